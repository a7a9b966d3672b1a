"""Read helpers for the directory: what a viewer may see, with the related rows prefetched."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filon.core.phones import display_phone
from filon.directory.models import (
    Affiliation,
    ContactKind,
    ContactPoint,
    ContactReveal,
    Gender,
    Person,
    Position,
    Thesis,
    ThesisAdvisor,
    ThesisFunding,
    track_label,
)
from filon.directory.privacy import (
    PAYING_MEMBER,
    Viewer,
    allows,
    can_find,
    can_see_contact,
    can_see_field,
    is_staff,
)


def with_profile(people: QuerySet[Person]) -> QuerySet[Person]:
    """Prefetch what a profile summary shows, in a fixed number of queries."""
    return people.prefetch_related(
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("school")),
        Prefetch(
            "positions",
            queryset=Position.objects.select_related("organisation").order_by("-start"),
        ),
        Prefetch(
            "theses",
            queryset=Thesis.objects.select_related("lab", "institution").prefetch_related(
                Prefetch("advisors", queryset=ThesisAdvisor.objects.select_related("person")),
                Prefetch("fundings", queryset=ThesisFunding.objects.select_related("funder")),
            ),
        ),
    )


def current_positions(person: Person) -> list[Position]:
    return [p for p in person.positions.all() if p.end is None]


# -- one profile, as a given viewer may see it (shared by the pages and the API) ------------


def find_person(viewer: Viewer, person_id: int) -> Person | None:
    """The person with everything a profile shows, or None when missing or hidden from viewer.

    Both cases answer the same, so that nobody can probe who opted out of the directory.
    """
    person = (
        with_profile(Person.objects.filter(pk=person_id))
        .prefetch_related("skills")
        .select_related("account")
        .first()
    )
    if person is None or not can_find(viewer, person):
        return None
    return person


def profile_data(viewer: Viewer, person: Person) -> dict[str, Any]:
    """A profile as ``viewer`` may see it: identity always, each field group only if allowed.

    A hidden group is ``None`` (an empty one is an empty string or list), so that the page can
    say "not shown to you" and the API can tell hidden from empty.
    """

    def shown(group: str) -> bool:
        return can_see_field(viewer, person, group)

    return {
        "id": person.pk,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "full_name": person.full_name,
        "headline": person.headline,
        "directory_opt_out": person.directory_opt_out,
        "promos": [
            {
                "school": a.school.name,
                "school_code": a.school.code,
                "track": a.track,
                "track_label": track_label(a.track, feminine=person.gender == Gender.FEMALE),
                "year": a.year,
                "label": a.promo,
            }
            for a in person.affiliations.all()
        ],
        "city": person.city if shown("city") else None,
        "country": person.country if shown("city") else None,
        "bio": person.bio if shown("bio") else None,
        "positions": [_position(p) for p in person.positions.all()] if shown("positions") else None,
        "theses": [_thesis(viewer, t) for t in person.theses.all()] if shown("thesis") else None,
        "skills": [s.name for s in person.skills.all()] if shown("skills") else None,
    }


def _position(p: Position) -> dict[str, Any]:
    return {
        "title": p.title,
        "kind": p.kind,
        "kind_label": str(p.get_kind_display()),
        "organisation": p.organisation.name,
        "organisation_id": p.organisation_id,
        "start": p.start,
        "end": p.end,
        "is_current": p.end is None,
    }


def _thesis(viewer: Viewer, t: Thesis) -> dict[str, Any]:
    return {
        "title": t.title,
        "discipline": t.discipline,
        "defence_year": t.defence_year,
        "doctoral_school": t.doctoral_school,
        "lab": t.lab.name if t.lab else None,
        "lab_id": t.lab_id,
        "institution": t.institution.name if t.institution else None,
        "advisors": [
            {
                "name": a.name,
                # Linked only to a member the viewer may find: no link to a hidden profile.
                "person_id": a.person_id
                if a.person is not None and can_find(viewer, a.person)
                else None,
            }
            for a in t.advisors.all()
        ],
        "funders": [
            {
                "kind": f.kind,
                "kind_label": str(f.get_kind_display()),
                "funder": f.funder.name,
                "funder_id": f.funder_id,
            }
            for f in t.fundings.all()
        ],
    }


# -- contact details ------------------------------------------------------------------------


def visible_contacts(viewer: Viewer, person: Person) -> list[ContactPoint]:
    """The contact points the viewer may see once they ask, primary ones first."""
    contacts = ContactPoint.objects.filter(person=person).order_by("-is_primary", "kind", "pk")
    return [c for c in contacts if can_see_contact(viewer, c)]


def contact_data(contacts: list[ContactPoint]) -> list[dict[str, Any]]:
    """Contact points ready to show: phones in the national format, e-mails as mailto links."""
    out = []
    for c in contacts:
        phone = c.kind == ContactKind.PHONE
        out.append(
            {
                "kind": c.kind,
                "kind_label": str(c.get_kind_display()),
                "value": c.value,
                "display": display_phone(c.value) if phone else c.value,
                "href": f"tel:{c.value}" if phone else f"mailto:{c.value}",
                "label": c.label,
                "is_primary": c.is_primary,
            }
        )
    return out


def contact_outlook(viewer: Viewer, person: Person) -> dict[str, int]:
    """How many contact points the viewer could reveal, and how many need paid dues."""
    visible = reserved = 0
    for c in ContactPoint.objects.filter(person=person).only("person_id", "visibility"):
        if can_see_contact(viewer, c):
            visible += 1
        elif allows(PAYING_MEMBER, c.visibility):
            reserved += 1
    return {"visible": visible, "reserved_for_paying": reserved}


def start_of_day(now: datetime | None = None) -> datetime:
    """Midnight today in the project's time zone (the daily reveal limit resets then)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    local = (now or timezone.now()).astimezone(tz)
    return datetime.combine(local.date(), time.min, tzinfo=tz)


def reveals_today(user_id: int) -> int:
    """How many people's contact details this account revealed since midnight."""
    return ContactReveal.objects.filter(viewer_id=user_id, at__gte=start_of_day()).count()


def reveals_of(person: Person) -> QuerySet[ContactReveal]:
    """Who revealed this person's contact details, latest first."""
    return (
        ContactReveal.objects.filter(person=person)
        .select_related("viewer", "viewer__person")
        .order_by("-at", "-pk")
    )


# -- personal data (GDPR export) ------------------------------------------------------------


def personal_data(user: Any = None, *, person: Person | None = None) -> dict[str, Any]:
    """Everything Filon holds about an account and its person (or a person without an account),
    as plain JSON values: one section per app, from the registry of :mod:`filon.directory.gdpr`.

    Other people appear only by name and id (ties, reveals, advisors), never with their
    contact details. The password hash and token hashes are left out.
    """
    from filon.directory import gdpr

    if person is None and user is not None and user.person_id:
        person = Person.objects.get(pk=user.person_id)
    subject = gdpr.Subject(account=user, person=person)
    return {"generated_at": timezone.now().isoformat(), **gdpr.export(subject)}


def revealer_name(reveal: ContactReveal) -> str:
    """Who revealed someone's details, as the owner sees it: a name, never an e-mail."""
    user = reveal.viewer
    if user is None:
        return str(_("Compte supprimé"))
    if user.person is not None:
        return user.person.full_name
    name = user.get_full_name()
    if is_staff(user):
        return str(_("%(name)s (équipe de l'association)") % {"name": name or "—"})
    return name or str(_("Un membre"))


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
