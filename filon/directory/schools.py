"""The federation's three schools. The letter opens every promo label ("P58")."""

SCHOOLS = (
    {"code": "P", "name": "Mines Paris – PSL", "city": "Paris", "short": "Mines Paris"},
    {
        "code": "E",
        "name": "Mines Saint-Étienne",
        "city": "Saint-Étienne",
        "short": "Mines Saint-Étienne",
    },
    {"code": "N", "name": "Mines Nancy", "city": "Nancy", "short": "Mines Nancy"},
)
