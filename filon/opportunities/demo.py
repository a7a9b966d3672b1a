"""The demo's opportunities board: sixty opportunities posted by demo engineers at the
demo's organisations — jobs, missions, calls for projects, needs for expertise — several of
which fit the demo docteure's scenarios (at an insurer and energy companies her scenarios
target, asking for her competences).

Written by :func:`filon.demo.load.load_network` after the demo project, in the same
transaction; it does not touch the generated network's fingerprint.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from filon.directory.models import Position, Track
from filon.opportunities.models import Opportunity
from filon.orgs.models import Organisation

S551 = "http://data.europa.eu/esco/skill/S5.5.1"

#: Opportunities that fit the demo docteure: (organisation key, kind, contract, title,
#: description, keywords, blocks, ESCO skills, days left).
FITTING: tuple[tuple[Any, ...], ...] = (
    ("axa", "mission", "", "Mission : estimer les dégâts de grêle sur les cultures par satellite",
     "Notre direction IARD agricole veut tester des indices de sinistralité tirés des séries "
     "Sentinel-2 pour accélérer l'indemnisation après grêle ou sécheresse. Mission de 3 mois.",
     "télédétection, séries temporelles, Sentinel-2", [1, 2], [S551], 30),
    ("edf", "expertise", "", "Besoin d'expertise : surveiller la végétation autour des lignes",
     "Nous cherchons un regard de chercheur sur la détection de la végétation et des "
     "mouvements de terrain autour des lignes à partir d'images satellite.",
     "imagerie satellite, détection de changements", [1, 3], [S551], 45),
    ("engie", "job", "cdd", "CDD 18 mois : data scientist imagerie pour les parcs solaires",
     "Suivi des sols et de l'emprise de nos parcs solaires par imagerie satellite, en lien "
     "avec l'équipe maintenance des actifs.", "traitement d'images, Python", [2], [], 10),
    ("capgemini", "mission", "", "Formation : traitement d'images Sentinel-2 pour une équipe data",
     "Former quinze consultants data au traitement d'images Sentinel-2, deux jours.",
     "formation, Sentinel-2", [5], [], 21),
)  # fmt: skip

#: Other opportunities, at the poster's own organisation ({o}: its name).
OTHERS: tuple[tuple[str, str, str, str, str, list[int]], ...] = (
    ("job", "cdi", "Ingénieur·e R&D procédés chez {o}",
     "Rejoindre l'équipe R&D pour industrialiser un nouveau procédé, du pilote à l'usine.",
     "procédés, industrialisation", [2, 3]),
    ("mission", "", "Mission de conseil : feuille de route innovation",
     "Six semaines pour cartographier nos projets d'innovation et prioriser les investissements.",
     "stratégie, innovation", [1, 4]),
    ("expertise", "", "Besoin d'un regard expert sur la modélisation numérique",
     "Nos simulations divergent sur un cas industriel ; une journée d'expertise nous aiderait.",
     "simulation, modélisation", [2]),
    ("call", "", "Appel à projets : démonstrateurs bas carbone",
     "{o} cofinance des démonstrateurs bas carbone avec des laboratoires et des start-up.",
     "décarbonation, démonstrateur", [1, 3]),
    ("job", "cdd", "Post-doc industriel : matériaux pour l'hydrogène",
     "Vingt-quatre mois sur la tenue des matériaux en atmosphère hydrogène.",
     "matériaux, hydrogène", [2]),
    ("job", "cdi", "Responsable de la veille technologique",
     "Animer la veille scientifique et technologique internationale de {o}.",
     "veille, brevets", [4]),
    ("mission", "", "Mission : audit de données et qualité",
     "Auditer nos chaînes de données capteurs et proposer un plan de fiabilisation.",
     "données, qualité", [2, 3]),
    ("expertise", "", "Besoin d'expertise : analyse de cycle de vie",
     "Relire l'analyse de cycle de vie d'une nouvelle gamme de produits.",
     "ACV, environnement", [2]),
    ("job", "cdi", "Chef·fe de projet innovation ouverte",
     "Monter des partenariats avec les laboratoires académiques et suivre les thèses CIFRE.",
     "partenariats, CIFRE", [3, 6]),
    ("call", "", "Appel à candidatures : chaire industrielle",
     "{o} ouvre une chaire industrielle de quatre ans ; dossiers des équipes académiques.",
     "recherche partenariale", [1, 6]),
    ("mission", "", "Mission : former nos ingénieurs à l'apprentissage automatique",
     "Trois jours de formation pratique pour une équipe d'ingénieurs.",
     "formation, apprentissage automatique", [5]),
    ("job", "cdi", "Ingénieur·e data science industrielle",
     "Maintenance prédictive et optimisation des procédés sur nos sites.",
     "data science, maintenance prédictive", [2]),
)  # fmt: skip

TOTAL = 60


def load_demo_opportunities(bernard_id: int | None, org_ids: dict[str, int]) -> int:
    today = timezone.localdate()
    now = timezone.now()
    engineers = list(
        Position.objects.filter(
            end__isnull=True,
            kind="employment",
            person__directory_opt_out=False,
            person__affiliations__track__in=(Track.INGENIEUR_CIVIL, Track.CORPS_DES_MINES),
            organisation__kind__in=("company", "startup"),
        )
        .exclude(person_id=bernard_id or 0)
        .select_related("organisation")
        .order_by("pk")
        .distinct()[:200]
    )
    if not engineers:
        return 0
    rows: list[Opportunity] = []
    by_org: dict[int, Position] = {p.organisation_id: p for p in engineers}
    for i, (key, kind, contract, title, text, keywords, blocks, esco, days) in enumerate(FITTING):
        org_id = org_ids.get(key)
        org = Organisation.objects.filter(pk=org_id).first() if org_id else None
        if org is None:
            continue
        poster = by_org.get(org.pk) or engineers[i % len(engineers)]
        rows.append(
            Opportunity(
                poster_id=poster.person_id,
                kind=kind,
                contract=contract,
                title=title,
                description=text,
                organisation_name=org.name,
                organisation=org,
                location=org.city,
                closes_on=today + timedelta(days=days),
                keywords=keywords,
                blocks=blocks,
                esco_uris=esco,
                can_introduce=True,
                created_at=now - timedelta(days=2 + i),
            )
        )
    i = 0
    while len(rows) < TOTAL:
        position = engineers[(i * 7) % len(engineers)]
        kind, contract, title, text, keywords, blocks = OTHERS[i % len(OTHERS)]
        org = position.organisation
        rows.append(
            Opportunity(
                poster_id=position.person_id,
                kind=kind,
                contract=contract,
                title=title.format(o=org.name)[:200],
                description=text.format(o=org.name),
                organisation_name=org.name,
                organisation=org,
                location=org.city,
                closes_on=today + timedelta(days=5 + (i * 11) % 80),
                keywords=keywords,
                blocks=blocks,
                can_introduce=i % 3 == 0,
                created_at=now - timedelta(days=1 + i % 20, hours=i),
            )
        )
        i += 1
    Opportunity.objects.bulk_create(rows)
    return len(rows)
