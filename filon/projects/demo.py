"""The demo docteure's professional project: three offer scenarios at different stages and a
dozen meetings. Written by :func:`filon.demo.load.load_network` after the generated network
(whose fingerprint this does not touch), in the same transaction.

- "Cartes de risque climatique pour les assureurs": validated (WHO, WHY and PRICE supported,
  a referral chain of three meetings);
- "Suivi des sols par satellite pour les énergéticiens": being tested (one meeting of
  compliments only, flagged and ignored; a follow-up due);
- "Formation au traitement d'images Sentinel-2": hypotheses written, nobody met yet.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from filon.audit.actions import record
from filon.directory.models import Person, Position
from filon.projects.models import (
    Commitment,
    Competence,
    Desire,
    Hypothesis,
    Meeting,
    Note,
    Referral,
    Scenario,
    Verdict,
)

SCENARIOS: tuple[dict[str, Any], ...] = (
    {
        "title": "Cartes de risque climatique pour les assureurs",
        "one_liner": "Des cartes de sinistralité agricole à partir des séries Sentinel-2, "
        "pour tarifer et indemniser plus vite",
        "offer_type": "study", "distance": "adjacent",
        "expertise_link": "Ma thèse détecte les changements d'occupation des sols dans les "
        "séries temporelles Sentinel-2 : les mêmes méthodes repèrent les parcelles sinistrées.",
        "segment": "Assureurs agricoles et réassureurs", "buyer_role": "Directeur technique IARD",
        "nace_codes": ["65"], "problem": "Les expertises terrain après grêle ou sécheresse "
        "coûtent cher et arrivent tard.", "current_solution": "Experts terrain, indices "
        "météo paramétriques", "price_model": "fixed", "price_min": 15000, "price_max": 40000,
        "price_today": "Environ 300 € par expertise terrain",
        "money_note": "Le CNES et l'ESA financent déjà des démonstrateurs d'assurance "
        "paramétrique.",
        "buyers": ["axa"], "funders": ["cnes", "esa"],
    },
    {
        "title": "Suivi des sols par satellite pour les énergéticiens",
        "one_liner": "Surveiller l'emprise des sites et des lignes par imagerie satellite",
        "offer_type": "rnd", "distance": "adjacent",
        "segment": "Exploitants de réseaux et de parcs solaires", "buyer_role": "Responsable "
        "maintenance des actifs", "nace_codes": ["35"], "problem": "Végétation et "
        "mouvements de terrain autour des lignes, inspectés à pied ou en hélicoptère.",
        "current_solution": "Inspections par hélicoptère et drones", "price_model": "daily",
        "price_min": 700, "price_max": 1100, "buyers": ["edf", "engie", "totalenergies"],
        "funders": ["ademe"],
    },
    {
        "title": "Formation au traitement d'images Sentinel-2",
        "one_liner": "Deux jours pour rendre autonomes les équipes data sur l'imagerie",
        "offer_type": "training", "distance": "direct", "segment": "Sociétés de services "
        "numériques", "nace_codes": ["62"], "price_model": "daily", "price_min": 1200,
        "price_max": 1800, "buyers": ["capgemini", "cs-group"], "funders": [],
    },
)  # fmt: skip

HYPOTHESES: tuple[tuple[int, str, str, str], ...] = (
    (0, "who", "Les assureurs agricoles achètent des cartes de sinistres satellitaires",
     "3 assureurs sur 5 citent un budget d'études"),
    (0, "why", "Les expertises terrain coûtent trop cher et arrivent trop tard",
     "la moitié des personnes rencontrées décrivent ce coût"),
    (0, "price", "Un forfait de 15 à 40 k€ par campagne est acceptable",
     "un devis ou une lettre d'intention signée"),
    (1, "who", "Les exploitants de réseaux paient déjà pour surveiller leurs emprises",
     "2 exploitants sur 4 ont un budget dédié"),
    (1, "why", "Les inspections par hélicoptère coûtent trop cher", "un coût chiffré cité"),
    (1, "feasibility", "La résolution de Sentinel-2 suffit pour la végétation sous les lignes",
     "un test sur un tronçon réel"),
    (2, "who", "Les ESN forment leurs équipes data à l'imagerie", "2 ESN sur 3 intéressées"),
    (2, "price", "1 500 € par jour de formation est acceptable", "une commande"),
)  # fmt: skip

# (scenario, days ago, org key for the contact, format, notes, commitment, verdicts,
#  referral to the next meeting's person, next step, next step in days)
MEETINGS: tuple[tuple[Any, ...], ...] = (
    (0, 120, "axa", "lunch", [("pain", "Deux mois d'attente pour une expertise après grêle"),
     ("spend", "300 € par expertise, des milliers par an")], "time",
     [(0, "supports", 3), (1, "supports", 3)], True, "Envoyer un exemple de carte", 10),
    (0, 100, "axa", "video", [("past", "A testé un indice météo paramétrique en 2021"),
     ("fact", "Budget études de 200 k€ par an")], "reputation",
     [(0, "supports", 2), (1, "supports", 2), (2, "supports", 2)], True,
     "Présentation à son directeur", 20),
    (0, 80, "meteo-france", "phone", [("fact", "Les réassureurs achètent déjà des indices"),
     ("compliment", "Très belle thèse !")], "", [(0, "supports", 2), (1, "supports", 2)], True,
     "", None),
    (0, 60, "esa", "event", [("spend", "Appel à démonstrateurs de 50 k€ ouvert")], "money",
     [(2, "supports", 3)], False, "Déposer le dossier", 30),
    (0, 45, "cnes", "video", [("pain", "Les assureurs ne savent pas lire les images")], "time",
     [(1, "supports", 2), (2, "supports", 2)], False, "Relancer en janvier", 40),
    (0, 30, "axa", "lunch", [("past", "A commandé une étude de 30 k€ à un cabinet")], "money",
     [(2, "supports", 3)], False, "Signer la lettre d'intention", 60),
    (1, 70, "edf", "video", [("pain", "Les élagages d'urgence coûtent cher")], "time",
     [(3, "supports", 2), (4, "supports", 2)], False, "Rappeler après l'été", 65),
    (1, 50, "engie", "afterwork", [("compliment", "C'est passionnant"),
     ("fluff", "On en aurait sûrement besoin un jour")], "", [(3, "supports", 3)], False, "",
     None),
    (1, 40, "totalenergies", "phone", [("fact", "Inspections drone sous-traitées"),
     ("workaround", "Un stagiaire compare les images Google Earth")], "",
     [(3, "supports", 2), (5, "neutral", 1)], False, "Test sur un tronçon", 15),
    (1, 25, "edf", "lunch", [("spend", "Hélicoptère : 1 200 € de l'heure")], "reputation",
     [(4, "supports", 3)], False, "Présentation à l'équipe maintenance", 20),
    (1, 15, "engie", "video", [("fact", "Pas de budget avant 2027")], "",
     [(3, "refutes", 2)], False, "Relancer en 2027", 400),
    (2, 10, "capgemini", "phone", [("idea", "Un MOOC plutôt qu'une formation")], "", [],
     False, "", None),
)  # fmt: skip


def _contacts(org_ids: dict[str, int], claire: int) -> dict[str, list[Person]]:
    """People working at each organisation the meetings need, in a stable order."""
    out: dict[str, list[Person]] = {}
    for key in {m[2] for m in MEETINGS}:
        pk = org_ids.get(key)
        rows = (
            Position.objects.filter(organisation_id=pk, end__isnull=True)
            .exclude(person_id=claire)
            .select_related("person")
            .order_by("person_id")[:6]
            if pk
            else []
        )
        out[key] = [p.person for p in rows if not p.person.directory_opt_out]
    return out


def load_demo_project(claire: int | None, org_ids: dict[str, int]) -> None:
    if claire is None:
        return
    today = date.today()
    Competence.objects.bulk_create(
        [
            Competence(
                person_id=claire,
                statement="Détection de changements dans des séries temporelles d'images",
                evidence="Thèse : suivi de l'occupation des sols "
                "sur 5 ans de Sentinel-2, publié dans RSE.",
                blocks=[1, 2],
                esco_uris=["http://data.europa.eu/esco/skill/S5.5.1"],
            ),
            Competence(
                person_id=claire,
                statement="Valoriser des résultats auprès d'un industriel",
                evidence="CIFRE avec Thales Alenia Space : un prototype "
                "repris par l'équipe produit.",
                blocks=[3],
            ),
            Competence(
                person_id=claire,
                statement="Enseigner le traitement d'images",
                evidence="64 h de TD par an pendant la thèse.",
                blocks=[5],
            ),
        ]
    )
    Desire.objects.bulk_create(
        [
            Desire(person_id=claire, kind="status", text="Indépendante ou cofondatrice", weight=4),
            Desire(person_id=claire, kind="place", text="Sophia Antipolis", weight=5),
            Desire(person_id=claire, kind="sector", text="Climat, assurance, énergie", weight=3),
        ]
    )
    scenarios = []
    for spec in SCENARIOS:
        values = {k: v for k, v in spec.items() if k not in ("buyers", "funders")}
        s = Scenario.objects.create(person_id=claire, **values)
        s.buyer_organisations.set([org_ids[k] for k in spec["buyers"] if k in org_ids])
        s.funders.set([org_ids[k] for k in spec["funders"] if k in org_ids])
        scenarios.append(s)
    hyps = [
        Hypothesis.objects.create(scenario=scenarios[s], dimension=d, statement=t, criterion=c)
        for s, d, t, c in HYPOTHESES
    ]
    people = _contacts(org_ids, claire)
    used: dict[str, int] = {}
    meetings: list[tuple[Meeting, bool]] = []
    for s, ago, org, fmt, notes, commit, verdicts, refers, step, step_in in MEETINGS:
        pool = people.get(org) or []
        i = used.get(org, 0)
        used[org] = i + 1
        person = pool[i % len(pool)] if pool else None
        when = today - timedelta(days=ago)
        m = Meeting.objects.create(
            person_id=claire,
            contact=person,
            contact_name=person.full_name if person else f"Contact {_org_name(org, org_ids)}",
            organisation=_org_name(org, org_ids),
            date=when,
            format=fmt,
            next_step=step,
            next_step_date=when + timedelta(days=step_in) if step_in is not None else None,
            next_step_done=step_in is not None and ago - step_in > 20,
        )
        m.scenarios.set([scenarios[s]])
        Note.objects.bulk_create([Note(meeting=m, kind=k, text=t) for k, t in notes])
        if commit:
            Commitment.objects.create(meeting=m, kind=commit, detail="")
        Verdict.objects.bulk_create(
            [Verdict(meeting=m, hypothesis=hyps[h], effect=e, strength=st) for h, e, st in verdicts]
        )
        meetings.append((m, refers))
    # The referral chain: each meeting marked so recommended the next person met.
    for (m, refers), (nxt, _r) in itertools.pairwise(meetings):
        if refers:
            Referral.objects.create(
                meeting=m,
                contact=nxt.contact,
                name=nxt.contact_name,
                organisation=nxt.organisation,
            )
    record("demo.project", person=claire, scenarios=len(scenarios), meetings=len(meetings))


def _org_name(key: str, org_ids: dict[str, int]) -> str:
    from filon.orgs.models import Organisation

    pk = org_ids.get(key)
    found = (
        Organisation.objects.filter(pk=pk).values_list("name", flat=True).first() if pk else None
    )
    return found or key
