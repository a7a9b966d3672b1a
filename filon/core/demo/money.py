"""Funding records for the demo network: programmes, projects, participations, thesis grants.

``demo_money(net)`` returns plain records (no database), made from the generated network but
kept apart from it: :meth:`~filon.core.demo.generator.Network.fingerprint` does not change.
The names of funders and programmes (CNES R&T, TOSCA, ANR AAPG, ASTRID, ESA EOEP, CIFRE…)
are real and used as such; every project, acronym and amount here is invented, and every
project number starts with ``DEMO-``. The real grants of the demo (H2020 LEIT-SPACE) are read
from the shipped Norwegian file by the loader, not made up here.

They give the demo docteure, Claire (thesis funded by a CIFRE with Thales Alenia Space and by
CNES), something to find on "Qui a financé ma thèse ?": CNES and Thales Alenia Space fund
projects of the demo's space organisations, where alumni of the network work.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from filon.core.demo.generator import Network


@dataclass(frozen=True)
class ProgrammeRec:
    code: str
    name: str
    short_name: str
    level: str
    funder: str  # org key
    parent: str = ""  # programme code


@dataclass(frozen=True)
class ProjectRec:
    identifier: str
    acronym: str
    title: str
    programme: str  # programme code
    funder: str  # org key
    topic_code: str
    start: date
    end: date
    action_type: str


@dataclass(frozen=True)
class ParticipationRec:
    project: str  # project identifier
    org: str  # org key
    role: str
    number: int
    amount: Decimal
    currency: str = "EUR"


@dataclass(frozen=True)
class ThesisGrantRec:
    thesis: int  # index in Network.theses
    kind: str
    funder: str  # org key
    programme: str  # programme code
    amount: Decimal | None
    currency: str = "EUR"


@dataclass
class MoneyDemo:
    programmes: list[ProgrammeRec] = field(default_factory=list)
    projects: list[ProjectRec] = field(default_factory=list)
    participations: list[ParticipationRec] = field(default_factory=list)
    thesis_grants: list[ThesisGrantRec] = field(default_factory=list)
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (org key, other name)


#: (code, name, short name, level, funder key, parent code)
PROGRAMMES = (
    ("CNES", "Programmes de recherche du CNES", "CNES", "framework", "cnes", ""),
    ("CNES-RT", "Recherche et technologie", "R&T CNES", "programme", "cnes", "CNES"),
    (
        "CNES-TOSCA",
        "Terre solide, océan, surfaces continentales, atmosphère",
        "TOSCA",
        "programme",
        "cnes",
        "CNES",
    ),
    ("CNES-DOC", "Allocations de recherche doctorale", "Thèses CNES", "programme", "cnes", "CNES"),
    ("ANR", "Agence nationale de la recherche", "ANR", "framework", "anr", ""),
    ("ANR-AAPG", "Appel à projets générique", "AAPG", "call", "anr", "ANR"),
    (
        "ANR-ASTRID",
        "Recherches et innovation de défense (ANR-AID)",
        "ASTRID",
        "call",
        "anr",
        "ANR",
    ),
    ("ESA", "Programmes de l'Agence spatiale européenne", "ESA", "framework", "esa", ""),
    (
        "ESA-EOEP",
        "Programme-enveloppe d'observation de la Terre",
        "EOEP",
        "programme",
        "esa",
        "ESA",
    ),
    ("ESA-ARTES", "Télécommunications par satellite", "ARTES", "programme", "esa", "ESA"),
    ("REGION-SUD-RI", "Recherche et innovation", "Région Sud R&I", "programme", "region-sud", ""),
    (
        "TAS-RECHERCHE",
        "Partenariats de recherche de Thales Alenia Space",
        "TAS recherche",
        "programme",
        "tas",
        "",
    ),
    (
        "ANRT-CIFRE",
        "Conventions industrielles de formation par la recherche",
        "CIFRE",
        "programme",
        "anrt",
        "",
    ),
)

#: (programme, acronym, title, topic, year, action type, participants: (org key, role)…)
PROJECTS = (
    ("CNES-RT", "SENTICHANGE", "Détection de changements sur les séries Sentinel-2",
     "RT-OT-IMAGE", 2017, "R&T", (("acri-st", "coordinator"), ("oie", "participant"),
                                   ("tas", "participant"))),
    ("CNES-RT", "HYPERCUBE", "Chaîne de traitement d'images hyperspectrales embarquée",
     "RT-OT-BORD", 2018, "R&T", (("tas", "coordinator"), ("onera", "participant"),
                                  ("cs-group", "participant"))),
    ("CNES-RT", "ORBITFLOW", "Propulsion électrique pour petits satellites",
     "RT-PROPULSION", 2019, "R&T", (("exotrail", "coordinator"), ("airbus-ds", "participant"),
                                     ("onera", "participant"))),
    ("CNES-RT", "SARSHIP", "Détection de navires par radar à synthèse d'ouverture",
     "RT-OT-RADAR", 2020, "R&T", (("unseenlabs", "coordinator"), ("airbus-ds", "participant"),
                                   ("cnrs", "participant"))),
    ("CNES-RT", "CLOUDMASK", "Masques de nuages par apprentissage profond",
     "RT-OT-IMAGE", 2021, "R&T", (("cs-group", "coordinator"), ("oie", "participant"),
                                   ("tas", "participant"))),
    ("CNES-TOSCA", "LITTOSAT", "Suivi du trait de côte par satellite",
     "TOSCA-SURF", 2018, "TOSCA", (("ifremer", "coordinator"), ("acri-st", "participant"),
                                    ("oie", "participant"))),
    ("CNES-TOSCA", "URBANHEAT", "Îlots de chaleur urbains vus de l'espace",
     "TOSCA-SURF", 2020, "TOSCA", (("oie", "coordinator"), ("meteo-france", "participant"),
                                    ("murmuration", "participant"))),
    ("CNES-TOSCA", "METHANEWATCH", "Émissions de méthane des sites industriels",
     "TOSCA-ATMO", 2022, "TOSCA", (("kayrros", "coordinator"), ("cnrs", "participant"),
                                    ("acri-st", "participant"))),
    ("ANR-AAPG", "DEEPLAND", "Apprentissage profond pour l'occupation des sols",
     "CE23", 2018, "PRC", (("oie", "coordinator"), ("inria", "participant"),
                            ("acri-st", "participant"))),
    ("ANR-AAPG", "OCEANCOLOR", "Couleur de l'océan et phytoplancton côtier",
     "CE01", 2019, "PRC", (("ifremer", "coordinator"), ("acri-st", "participant"),
                            ("cnrs", "participant"))),
    ("ANR-ASTRID", "SPECTRAL-D", "Imagerie hyperspectrale pour la défense",
     "ASTRID-2020", 2020, "ASTRID", (("onera", "coordinator"), ("tas", "participant"),
                                      ("cma", "participant"))),
    ("ESA-EOEP", "CCI-LANDCOVER-FR", "Occupation des sols : démonstrateur régional",
     "EOEP-CCI", 2019, "ITT", (("acri-st", "coordinator"), ("cs-group", "participant"),
                                ("oie", "participant"))),
    ("ESA-EOEP", "SNOWPACK", "Manteau neigeux par fusion radar et optique",
     "EOEP-SCI", 2021, "ITT", (("airbus-ds", "coordinator"), ("meteo-france", "participant"),
                                ("cnrs", "participant"))),
    ("ESA-ARTES", "OPTICLINK", "Liens optiques sol-satellite à haut débit",
     "ARTES-ScyLight", 2020, "ARTES", (("tas", "coordinator"), ("airbus-ds", "participant"),
                                        ("onera", "participant"))),
    ("REGION-SUD-RI", "AZURSAT", "Plateforme régionale de données d'observation de la Terre",
     "RI-NUMERIQUE", 2021, "RI", (("acri-st", "coordinator"), ("tas", "participant"),
                                  ("oie", "participant"))),
    ("TAS-RECHERCHE", "IMAGEON", "Traitement d'images à bord : chaire industrielle",
     "CHAIRE", 2018, "Chaire", (("oie", "coordinator"), ("inria", "participant"))),
    ("TAS-RECHERCHE", "CONSTELLA", "Planification de constellations d'observation",
     "CONTRAT", 2020, "Contrat", (("cma", "coordinator"), ("onera", "participant"))),
    ("TAS-RECHERCHE", "THERMOSAT", "Thermique des charges utiles optiques",
     "CONTRAT", 2022, "Contrat", (("cemef", "coordinator"), ("cnrs", "participant"))),
)  # fmt: skip

#: Other names grant files use for organisations of the demo.
ALIASES = (
    ("esa", "European Space Agency"),
    ("ec", "European Commission"),
    ("cnes", "Centre national d'études spatiales (CNES)"),
)

#: (funding kind, funder key) of the demo docteure's thesis → (programme, amount in EUR).
#: CIFRE: the ANRT subsidy to the company, 14,000 EUR a year for three years.
CLAIRE_GRANTS = {
    ("cifre", "tas"): ("ANRT-CIFRE", Decimal("42000.00")),
    ("agency", "cnes"): ("CNES-DOC", Decimal("54000.00")),
}


def demo_money(net: Network, *, seed: int = 1) -> MoneyDemo:
    """The demo's funding records, for the organisations ``net`` holds.

    Projects name only organisations of the network (others are left out); amounts are drawn
    with ``seed``, to the hundred euros.

    >>> from filon.core.demo.generator import generate_network
    >>> net = generate_network(100, seed=2)
    >>> money = demo_money(net)
    >>> money == demo_money(net), len(money.projects)
    (True, 18)
    >>> all(p.identifier.startswith("DEMO-") for p in money.projects)
    True
    >>> sorted((g.kind, g.funder, g.programme) for g in money.thesis_grants)[:2]
    [('agency', 'cnes', 'CNES-DOC'), ('cifre', 'tas', 'ANRT-CIFRE')]
    """
    rng = random.Random(f"money-{seed}")
    keys = {o.key for o in net.orgs}
    out = MoneyDemo()
    for code, name, short, level, funder, parent in PROGRAMMES:
        if funder in keys:
            out.programmes.append(ProgrammeRec(code, name, short, level, funder, parent))
    funders = {p.code: p.funder for p in out.programmes}
    counters: dict[str, int] = {}
    for programme, acronym, title, topic, year, action, members in PROJECTS:
        if programme not in funders:
            continue
        counters[programme] = counters.get(programme, 0) + 1
        identifier = f"DEMO-{programme}-{year}-{counters[programme]:02d}"
        months = rng.choice((24, 30, 36, 42, 48))
        start = date(year, rng.choice((1, 4, 9, 10)), 1)
        end = date(
            start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1
        )
        out.projects.append(
            ProjectRec(
                identifier, acronym, title, programme, funders[programme], topic, start, end, action
            )
        )
        number = 0
        for org, role in members:
            if org not in keys:
                continue
            number += 1
            scale = 2 if role == "coordinator" else 1
            amount = Decimal(rng.randrange(600, 4500) * 100 * scale).quantize(Decimal("0.01"))
            out.participations.append(ParticipationRec(identifier, org, role, number, amount))
    claire = next((p.person for p in net.personas if p.role == "docteur"), None)
    for i, thesis in enumerate(net.theses):
        if thesis.person != claire:
            continue
        for kind, funder in thesis.fundings:
            found = CLAIRE_GRANTS.get((kind, funder))
            if found and found[0] in funders:
                out.thesis_grants.append(ThesisGrantRec(i, kind, funder, found[0], found[1]))
    out.aliases = [(k, alias) for k, alias in ALIASES if k in keys]
    return out
