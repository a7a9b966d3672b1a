"""The demo's groups and clubs: ten of each kind (professional groups, regional groups, clubs
and associations), each with an admin, realistic members, upcoming events and an announcement.

Written by :func:`filon.demo.load.load_network` after the generated network (whose fingerprint
this does not touch), in the same transaction; bulk writes, which the graph picks up through
the demo's full rebuild. The demo engineer founded and runs « X-Mines Auteurs » (on approval);
« Mines Espace » (remote sensing and space) is open, and the demo docteure is not in it yet.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from filon.accounts.models import User
from filon.directory.models import Person, Position
from filon.events.models import Event, EventKind
from filon.network.models import (
    Admission,
    Group,
    GroupAnnouncement,
    GroupKind,
    GroupMembership,
    GroupRole,
)

#: Groups added to the generator's thirteen, so that each kind has ten:
#: (name, kind, description, place, admission, who: NACE prefixes, or cities, or a share).
MORE: tuple[tuple[str, str, str, str, str, Any], ...] = (
    ("Mines Santé", "club", "Pharmacie, dispositifs médicaux, hôpital.", "", "open", ("21", "86")),
    ("Mines Mobilités", "club", "Automobile, ferroviaire, nouvelles mobilités.", "", "open",
     ("29", "30.2")),
    ("Mines Environnement", "club", "Eau, déchets, dépollution et climat.", "", "open",
     ("36", "37", "38", "39")),
    ("Groupe Paris Île-de-France", "regional", "Les membres de Paris et de sa région.",
     "Paris", "open", ("Paris", "Boulogne", "Courbevoie", "Nanterre", "Saint-Cloud", "Massy")),
    ("Groupe Toulouse Occitanie", "regional", "Toulouse, Montpellier et l'Occitanie.",
     "Toulouse", "open", ("Toulouse", "Montpellier")),
    ("Groupe Bordeaux Aquitaine", "regional", "Bordeaux, Pau et la Nouvelle-Aquitaine.",
     "Bordeaux", "open", ("Bordeaux", "Pau")),
    ("Groupe Nord", "regional", "Lille, Dunkerque et les Hauts-de-France.", "Lille", "open",
     ("Lille", "Dunkerque", "Isbergues")),
    ("Groupe Bruxelles", "regional", "Les membres installés en Belgique.", "Bruxelles", "open",
     ("Bruxelles",)),
    ("Groupe Suisse romande", "regional", "Genève, Lausanne et la Suisse romande.", "Genève",
     "open", ("Genève", "Lausanne")),
    ("Club Œnologie", "association", "Dégustations et visites de domaines, une fois par mois.",
     "Paris", "approval", 0.01),
    ("Club Voile", "association", "Régates et croisières entre camarades.", "La Trinité-sur-Mer",
     "open", 0.008),
    ("Club Théâtre", "association", "Une pièce par an, jouée à la Maison des Mines.", "Paris",
     "approval", 0.004),
    ("Club Randonnée", "association", "Sorties en montagne, du week-end au trek.", "Grenoble",
     "open", 0.01),
    ("Mines Solidarité", "association", "Entraide entre membres en difficulté et mécénat.", "",
     "approval", 0.006),
    ("Club Photo", "association", "Sorties photo et expositions.", "Lyon", "open", 0.006),
    ("Club Échecs", "association", "Tournoi interpromos et parties en ligne.", "", "open", 0.005),
    ("Club Jazz", "association", "Le big band des anciens et ses concerts.", "Paris", "approval",
     0.003),
    ("Club Golf", "association", "Compétitions et initiations.", "Saint-Nom-la-Bretèche", "open",
     0.004),
)  # fmt: skip

#: Professional groups of the generator: the NACE prefixes of their members' employers.
SECTORS = {
    "Mines Énergie": ("35", "06"),
    "Mines Finance": ("64", "65", "66"),
    "Mines Espace": ("30.3",),
    "Mines Conseil": ("70",),
    "Mines Numérique": ("62", "58", "61"),
    "Mines Matériaux": ("24", "23", "25"),
}
PLACES = {
    "Groupe Côte d'Azur": "Nice",
    "Groupe Rhône-Alpes": "Lyon",
    "Groupe Lorraine": "Nancy",
    "Groupe Londres": "Londres",
}
APPROVAL = {"X-Mines Auteurs", "Docteurs des Mines"}


def _people_in_sectors(prefixes: tuple[str, ...], limit: int) -> list[int]:
    q = Q()
    for p in prefixes:
        q |= Q(organisation__sector__code__startswith=p)
    return list(
        Position.objects.filter(q, end__isnull=True)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()[:limit]
    )


def _people_in_cities(cities: tuple[str, ...], limit: int) -> list[int]:
    q = Q()
    for c in cities:
        q |= Q(city__icontains=c) | Q(
            positions__end__isnull=True, positions__organisation__city__icontains=c
        )
    return list(
        Person.objects.filter(q).order_by("pk").values_list("pk", flat=True).distinct()[:limit]
    )


def load_demo_groups(
    bernard_id: int | None, claire_id: int | None, seed: int = 1
) -> dict[str, int]:
    rng = random.Random(seed)
    now = timezone.now()
    everyone = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for g in Group.objects.all():
        g.admission = Admission.APPROVAL if g.name in APPROVAL else Admission.OPEN
        g.place = PLACES.get(g.name, "")
        g.save(update_fields=["admission", "place"])
    new: list[tuple[Group, list[int]]] = []
    for name, kind, description, place, admission, who in MORE:
        group = Group.objects.create(
            name=name, kind=kind, description=description, place=place, admission=admission
        )
        if isinstance(who, float):
            ids = rng.sample(everyone, max(3, int(len(everyone) * who)))
        elif kind == GroupKind.REGIONAL:
            ids = _people_in_cities(who, 400)
        else:
            ids = _people_in_sectors(who, 400)
        new.append((group, ids))
    # Professional groups of the generator get more of the people of their sector.
    existing = set(GroupMembership.objects.values_list("group_id", "person_id"))
    rows: list[GroupMembership] = []
    for name, prefixes in SECTORS.items():
        group = Group.objects.get(name=name)
        for pid in _people_in_sectors(prefixes, 250)[::3]:
            if (group.pk, pid) not in existing:
                existing.add((group.pk, pid))
                rows.append(GroupMembership(group=group, person_id=pid))
    for group, ids in new:
        for pid in ids:
            if (group.pk, pid) not in existing:
                existing.add((group.pk, pid))
                rows.append(GroupMembership(group=group, person_id=pid))
    GroupMembership.objects.bulk_create(rows, batch_size=1000)
    espace = Group.objects.get(name="Mines Espace")
    if claire_id is not None:  # she joins it herself, in the demo's story
        GroupMembership.objects.filter(group=espace, person_id=claire_id).delete()
    # Every group has an admin: its founder, else one of its members.
    GroupMembership.objects.filter(role__in=(GroupRole.FOUNDER, GroupRole.LEADER)).update(
        is_admin=True
    )
    with_account = set(
        User.objects.filter(person__isnull=False).values_list("person_id", flat=True)
    )
    for group in Group.objects.order_by("pk"):
        members = GroupMembership.objects.filter(group=group).order_by("person_id")
        if members.filter(is_admin=True).exists() or not members.exists():
            continue
        pairs: list[tuple[int, int]] = list(members.values_list("pk", "person_id"))
        chosen = next((pk for pk, pid in pairs if pid in with_account), None)
        chosen = chosen or pairs[rng.randrange(len(pairs))][0]
        GroupMembership.objects.filter(pk=chosen).update(is_admin=True, role=GroupRole.LEADER)
    if bernard_id is not None:
        GroupMembership.objects.filter(person_id=bernard_id, group__name="X-Mines Auteurs").update(
            is_admin=True
        )
    events = _events(now, espace)
    announcements = _announcements(now)
    return {
        "groups": Group.objects.count(),
        "memberships": len(rows),
        "events": events,
        "announcements": announcements,
    }


def _events(now: Any, espace: Group) -> int:
    staff = User.objects.filter(role__in=("staff", "admin")).order_by("pk").first()
    day = (now + timedelta(days=9)).replace(hour=18, minute=30, second=0, microsecond=0)
    specs = (
        (espace, "Afterwork Mines Espace : l'observation de la Terre au service du climat",
         EventKind.AFTERWORK, "Toulouse, Cité de l'espace", day),
        (Group.objects.get(name="X-Mines Auteurs"), "Salon des auteurs : dédicaces et lectures",
         EventKind.CONFERENCE, "Maison des Mines, Paris", day + timedelta(days=12, hours=-3)),
        (Group.objects.get(name="Groupe Rhône-Alpes"), "Déjeuner d'affaires du groupe Rhône-Alpes",
         EventKind.LUNCH, "Lyon, place Bellecour", day + timedelta(days=5, hours=-6)),
        (Group.objects.get(name="Mines Énergie"), "Visio : l'hydrogène, promesses et coûts",
         EventKind.VISIO, "", day + timedelta(days=16)),
    )  # fmt: skip
    for group, title, kind, place, starts in specs:
        Event.objects.create(
            title=title,
            kind=kind,
            description=f"Un rendez-vous du groupe « {group.name} », ouvert à tous les membres.",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place=place,
            link="https://visio.example.org/filon-energie" if kind == EventKind.VISIO else "",
            group=group,
            created_by=staff,
        )
    return len(specs)


def _announcements(now: Any) -> int:
    specs = (
        ("Mines Espace", "Appel à témoignages : l'imagerie satellite chez les assureurs",
         "Nous préparons une soirée sur les usages de l'observation de la Terre dans "
         "l'assurance et l'énergie. Vous travaillez sur le sujet ? Répondez à cette annonce "
         "pour témoigner."),
        ("X-Mines Auteurs", "Le salon des auteurs approche",
         "Inscrivez-vous pour dédicacer vos livres ; les tables sont attribuées dans l'ordre "
         "des inscriptions."),
        ("Mines Énergie", "Nouveau cycle de visios sur la transition énergétique",
         "Une visio par mois, avec un membre qui présente son métier et ses chantiers."),
    )  # fmt: skip
    n = 0
    for name, subject, body in specs:
        group = Group.objects.get(name=name)
        admin = GroupMembership.objects.filter(group=group, is_admin=True).order_by("pk").first()
        GroupAnnouncement.objects.create(
            group=group,
            author_id=admin.person_id if admin else None,
            subject=subject,
            body=body,
            created_at=now - timedelta(days=3 + n),
            recipients=GroupMembership.objects.filter(group=group).count(),
            sent_at=now - timedelta(days=3 + n),
        )
        n += 1
    return n
