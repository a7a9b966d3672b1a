"""The EU programme nomenclature shipped in ``filon/data/eu_programme`` (dataESR, MIT).

Names programmes that a grant file gives only by code (CORDIS ``legalBasis``), and in French:
the H2020 pillars (``H20_pilier.json``), the Horizon Europe programmes and pillars
(``programme_fr.json``); and reads the CORDIS organisation types (``legalEntityType.json``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "data" / "eu_programme"

#: Framework programmes: code → name.
FRAMEWORKS = {
    "H2020": "Horizon 2020",
    "HORIZON": "Horizon Europe",
    "FP7": "7e programme-cadre (FP7)",
    "FP6": "6e programme-cadre (FP6)",
}

#: H2020 pillars by legal-basis code (Regulation 1291/2013): code → English name, as in the
#: pillar file (which has the names only).
H2020_PILLARS = {
    "H2020-EU.1.": "Excellent Science",
    "H2020-EU.2.": "Industrial Leadership",
    "H2020-EU.3.": "Societal Challenges",
    "H2020-EU.4.": "Spreading excellence and widening participation",
    "H2020-EU.5.": "Science with and for Society",
    "H2020-EURATOM": "Euratom Research and Training Programme",
}

#: CORDIS ``activityType`` → the organisation kind Filon gives a new organisation.
ACTIVITY_KINDS = {
    "HES": "university",
    "REC": "lab",
    "PRC": "company",
    "PUB": "agency",
    "OTH": "association",
}


def _load(name: str) -> Any:
    with (DATA / name).open(encoding="utf-8") as handle:
        return json.load(handle)


@cache
def _pillars_fr() -> dict[str, str]:
    """English pillar name (lower case) → French name."""
    return {p["pilier_name_en"].lower(): p["pilier_name_fr"] for p in _load("H20_pilier.json")}


@cache
def _horizon_fr() -> dict[str, str]:
    out: dict[str, str] = {}
    for row in _load("programme_fr.json"):
        if row.get("programme_code"):
            out[row["programme_code"]] = row["programme_name_fr"]
        elif row.get("pilier_code"):
            out[row["pilier_code"]] = row["pilier_name_fr"]
    return out


@cache
def activity_types() -> dict[str, str]:
    """CORDIS activityType code → French name.

    >>> activity_types()["REC"]
    'Recherche'
    """
    return {
        row["cordis_type_entity_code"]: row["cordis_type_entity_name_fr"]
        for row in _load("legalEntityType.json")
        if row["cordis_type_entity_code"]
    }


def english_name(code: str) -> str:
    """The English name the nomenclature gives a programme code, else "".

    >>> english_name("H2020-EU.2."), english_name("H2020"), english_name("X")
    ('Industrial Leadership', 'Horizon 2020', '')
    """
    return FRAMEWORKS.get(code) or H2020_PILLARS.get(code, "")


def french_name(code: str, name: str = "") -> str:
    """The French name of a programme, from its code or its English name; "" when unknown.

    >>> french_name("HORIZON.2.4")
    'Numérique, industrie et espace'
    >>> french_name("H2020-EU.2."), french_name("EU.3.", "Societal Challenges")
    ('Primauté industrielle', 'Défis sociétaux')
    >>> french_name("H2020-EU.2.1.6.", "Space")
    ''
    """
    if code in _horizon_fr():
        return _horizon_fr()[code]
    english = H2020_PILLARS.get(code) or name
    return _pillars_fr().get(english.strip().lower(), "")


def legal_basis_path(framework: str, legal_basis: str) -> list[str]:
    """The programme codes from the framework down to a CORDIS legal basis, root first.

    >>> legal_basis_path("H2020", "H2020-EU.2.1.6.")
    ['H2020', 'H2020-EU.2.', 'H2020-EU.2.1.', 'H2020-EU.2.1.6.']
    >>> legal_basis_path("HORIZON", "HORIZON.2.4")
    ['HORIZON', 'HORIZON.2', 'HORIZON.2.4']
    >>> legal_basis_path("H2020", ""), legal_basis_path("H2020", "H2020-EURATOM")
    (['H2020'], ['H2020', 'H2020-EURATOM'])
    """
    out = [framework] if framework else []
    code = legal_basis.strip()
    if not code:
        return out
    if code.endswith("."):  # H2020 style: "H2020-EU.2.1.6."
        head, _sep, rest = code.partition("EU.")
        parts = [p for p in rest.split(".") if p]
        chain = [f"{head}EU.{'.'.join(parts[: i + 1])}." for i in range(len(parts))]
    elif "." in code:  # Horizon Europe style: "HORIZON.2.4"
        parts = code.split(".")
        chain = [".".join(parts[: i + 1]) for i in range(1, len(parts))]
    else:  # "H2020-EURATOM"
        chain = [code]
    return out + [c for c in chain if c != framework]
