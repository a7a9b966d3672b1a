"""A few asks, offers of help and upcoming events for the demo network, so that its feed and
events page are not empty on first start. Written by :func:`filon.demo.load.load_network`,
after the generated network (whose fingerprint this does not touch), in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from filon.accounts.models import User
from filon.audit.actions import record
from filon.directory.models import Person, Position, Track
from filon.events.models import Event, EventKind
from filon.outreach.models import Ask, AskKind, Offer, OfferKind

ASKS = (
    (
        AskKind.INFORMATION,
        "Comprendre les débouchés industriels de mon domaine : {d}",
        "Docteur en {d}, je cherche des ingénieurs du secteur pour valider des hypothèses de "
        "prestations d'études : qui achète, pourquoi, à quel prix ?",
    ),
    (
        AskKind.JOB,
        "Un poste de R&D en {d}",
        "Après ma thèse et un post-doctorat, je cherche une équipe R&D en entreprise. "
        "Un conseil sur les entreprises à cibler serait déjà précieux.",
    ),
    (
        AskKind.CLIENTS,
        "Mes premiers clients pour des études en {d}",
        "Je lance une activité d'études et de conseil. Qui, dans vos entreprises, achète ce "
        "type d'études ?",
    ),
    (
        AskKind.FUNDING,
        "Financer un projet de recherche appliquée en {d}",
        "Je cherche un partenaire industriel pour un projet collaboratif (ANR, CIFRE, Horizon "
        "Europe).",
    ),
)

OFFERS = (
    (
        OfferKind.INDUSTRY,
        "Répondre à vos questions sur {o}",
        "{t} chez {o} : je peux vous expliquer le métier, les achats et les besoins de R&D.",
    ),
    (
        OfferKind.CV_REVIEW,
        "Relire votre CV pour l'industrie",
        "{t} : je recrute et je relis volontiers.",
    ),
    (
        OfferKind.COMPANY_INTRO,
        "Vous présenter aux bonnes personnes chez {o}",
        "Je connais bien les équipes de {o} et je peux vous mettre en relation.",
    ),
    (
        OfferKind.MENTORING,
        "Parrainer un docteur qui découvre l'entreprise",
        "{t}, ancien de l'école.",
    ),
    (
        OfferKind.CIFRE,
        "Accueillir une thèse CIFRE chez {o}",
        "Nous étudions des sujets de thèse en partenariat avec des laboratoires.",
    ),
)


def _first_thursday(after: datetime) -> datetime:
    day = after.date() + timedelta(days=14)
    day += timedelta(days=(3 - day.weekday()) % 7)
    tz = ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(day, time(19, 0), tzinfo=tz)


def load_demo_outreach(bernard_id: int | None, claire_id: int | None) -> dict[str, int]:
    """Asks of a few docteurs, offers of a few engineers (Bernard's among them), two events."""
    now = timezone.now()
    docteurs = list(
        Person.objects.filter(affiliations__track=Track.DOCTEUR, directory_opt_out=False)
        .prefetch_related("theses", "skills")
        .order_by("pk")
        .distinct()[:40]
    )
    asks = 0
    for i, person in enumerate(p for p in docteurs if p.theses.all() and p.pk != claire_id):
        if asks >= len(ASKS) * 2:
            break
        thesis = person.theses.all()[0]
        kind, title, text = ASKS[asks % len(ASKS)]
        discipline = (thesis.discipline or thesis.title).lower()[:80]
        ask = Ask.objects.create(
            person=person,
            kind=kind,
            title=title.format(d=discipline)[:200],
            text=text.format(d=discipline),
            created_at=now - timedelta(days=2 + 3 * i),
        )
        ask.skills.set(list(person.skills.all())[:3])
        asks += 1
    engineers = list(
        Position.objects.filter(
            end__isnull=True,
            kind="employment",
            person__directory_opt_out=False,
            person__affiliations__track__in=(Track.INGENIEUR_CIVIL, Track.CORPS_DES_MINES),
        )
        .select_related("organisation__sector", "person")
        .order_by("pk")
        .distinct()[:11]
    )
    offers = 0
    for i, position in enumerate(p for p in engineers if p.person_id != bernard_id):
        offer_kind, title, text = OFFERS[i % len(OFFERS)]
        org = position.organisation
        offer = Offer.objects.create(
            person=position.person,
            kind=offer_kind,
            title=title.format(o=org.name)[:200],
            text=text.format(o=org.name, t=position.title),
            capacity_per_month=1 + i % 3,
            created_at=now - timedelta(days=1 + 2 * i),
        )
        offer.organisations.set([org])
        if org.sector is not None:
            offer.sectors.set([org.sector])
        offers += 1
    if bernard_id is not None:
        Offer.objects.create(
            person_id=bernard_id,
            kind=OfferKind.INDUSTRY,
            title="Répondre à vos questions sur la métallurgie et les alliages d'aluminium",
            text="Quarante ans chez Pechiney, de la recherche à la direction du centre de "
            "Voreppe : les bonnes questions d'ingénieurs, je m'en délecte.",
            capacity_per_month=4,
            created_at=now - timedelta(days=5),
        )
        Offer.objects.create(
            person_id=bernard_id,
            kind=OfferKind.MENTORING,
            title="Construire votre offre de docteur, scénario par scénario",
            text="Un projet professionnel n'est pas qu'un métier, c'est une offre : qui va "
            "acheter, pourquoi et à quel prix ?",
            capacity_per_month=2,
            created_at=now - timedelta(days=9),
        )
        offers += 2
    staff = User.objects.filter(role__in=("staff", "admin")).order_by("pk").first()
    first = _first_thursday(now)
    Event.objects.create(
        title="Afterwork docteurs et ingénieurs",
        kind=EventKind.AFTERWORK,
        description="Rencontrer des camarades de toutes les promos, docteurs et ingénieurs.",
        starts_at=first,
        ends_at=first + timedelta(hours=3),
        place="Maison des Mines, 270 rue Saint-Jacques, Paris",
        capacity=60,
        created_by=staff,
    )
    Event.objects.create(
        title="Visio : suivre l'argent de la recherche spatiale",
        kind=EventKind.VISIO,
        description="Qui finance l'observation de la Terre, et qui achète les services ?",
        starts_at=first + timedelta(days=13, hours=-7),
        ends_at=first + timedelta(days=13, hours=-6),
        link="https://visio.example.org/filon-spatial",
        created_by=staff,
    )
    record("demo.outreach", asks=asks, offers=offers, events=2)
    return {"asks": asks, "offers": offers, "events": 2}
