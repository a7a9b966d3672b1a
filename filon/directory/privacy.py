"""Who may see what in the directory. Every page, API endpoint and index goes through here.

Three audiences, widest first (:class:`~filon.directory.models.Visibility`):

- ``members``: every signed-in member;
- ``paying``: members whose dues are paid for the current or the previous year;
- ``private``: nobody but the person themself and the association's staff.

Identity (name, schools, promos) is the directory itself and is shown to every member, unless
the person opted out of the directory, in which case nobody but them and staff finds them.
The other parts of a profile (:data:`FIELD_GROUPS`) each carry their own setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from filon.directory.models import ContactPoint, Person, Visibility

#: The parts of a profile a member can show or hide, and their default audience.
FIELD_GROUPS: dict[str, tuple[Any, str]] = {
    "city": (_("Ville"), Visibility.MEMBERS),
    "bio": (_("Présentation"), Visibility.MEMBERS),
    "positions": (_("Parcours professionnel"), Visibility.MEMBERS),
    "thesis": (_("Thèse"), Visibility.MEMBERS),
    "skills": (_("Compétences"), Visibility.MEMBERS),
}

_RANK: dict[str, int] = {"members": 0, "paying": 1, "private": 2}


@dataclass(frozen=True)
class Viewer:
    """Who is looking: resolved once per request, then passed to every rule."""

    user_id: int | None
    person_id: int | None
    is_staff: bool
    is_paying: bool

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def level(self) -> int:
        """The widest audience rank this viewer belongs to (staff see everything)."""
        if self.is_staff:
            return 2
        if self.is_paying:
            return 1
        return 0 if self.is_authenticated else -1


ANONYMOUS = Viewer(None, None, False, False)


def is_paying(person_id: int | None, *, today: date | None = None) -> bool:
    """Dues paid for the current or the previous calendar year."""
    if person_id is None:
        return False
    from filon.association.models import DuesPayment

    year = (today or date.today()).year
    return DuesPayment.objects.filter(person_id=person_id, year__gte=year - 1).exists()


def viewer_for(user: Any) -> Viewer:
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    person_id = getattr(user, "person_id", None)
    staff = bool(getattr(user, "is_association_staff", False))
    return Viewer(user.pk, person_id, staff, staff or is_paying(person_id))


def allows(viewer: Viewer, visibility: str, *, owner_id: int | None = None) -> bool:
    """Whether ``viewer`` belongs to the audience ``visibility`` of something owned by owner_id."""
    if not viewer.is_authenticated:
        return False
    if viewer.is_staff or (owner_id is not None and viewer.person_id == owner_id):
        return True
    return _RANK.get(visibility, 2) <= viewer.level


def field_visibility(person: Person, group: str) -> str:
    return group_visibility(person.field_visibility, group)


def group_visibility(settings: dict[str, Any] | None, group: str) -> str:
    """The audience of one field group, read from a person's ``field_visibility`` setting."""
    default = FIELD_GROUPS[group][1]
    value = (settings or {}).get(group, default)
    return value if value in _RANK else default


def audience_level(visibility: str) -> int:
    """The rank of an audience (0 members, 1 paying, 2 private), comparable to Viewer.level.

    Indexes that serve every viewer at once (the network graph) store this rank with what it
    guards, and compare it with the viewer's level when they answer.
    """
    return _RANK.get(visibility, 2)


def can_see_field(viewer: Viewer, person: Person, group: str) -> bool:
    return allows(viewer, field_visibility(person, group), owner_id=person.pk)


def can_find(viewer: Viewer, person: Person) -> bool:
    """Whether the person appears to this viewer at all (search, profile, API, paths)."""
    if not viewer.is_authenticated:
        return False
    return viewer.is_staff or viewer.person_id == person.pk or not person.directory_opt_out


def can_see_contact(viewer: Viewer, contact: ContactPoint) -> bool:
    """Whether the viewer may see this e-mail or phone, once they ask to reveal them."""
    return allows(viewer, contact.visibility, owner_id=contact.person_id)


def can_see_outreach(viewer: Viewer, person: Person) -> bool:
    """Asks and offers of help (filon.outreach): every signed-in member who may find the person.

    They are made to be read: no per-field setting; a person out of the directory has none
    shown to others.
    """
    return can_find(viewer, person)


def can_see_help_counts(viewer: Viewer, person: Person, *, shown: bool) -> bool:
    """The counts of a member's help ledger: to others only if the member chose to show them."""
    return can_find(viewer, person) and (shown or is_owner(viewer, person) or viewer.is_staff)


def is_owner(viewer: Viewer, person: Person) -> bool:
    return viewer.person_id is not None and viewer.person_id == person.pk


def can_see_private_records(viewer: Viewer, person: Person) -> bool:
    """Dues history, who revealed the contact details: the person themself and staff only."""
    return viewer.is_authenticated and (viewer.is_staff or is_owner(viewer, person))


def can_export_person(viewer: Viewer, person: Person, group: str) -> bool:
    """Whether a part of a profile may leave Filon in an export for other tools (the
    FollowTheMoney export for Aleph): asked by the staff only, and only what the person shows
    to every member while staying in the directory. Nothing narrower ever leaves."""
    return (
        viewer.is_authenticated
        and viewer.is_staff
        and not person.directory_opt_out
        and field_visibility(person, group) == Visibility.MEMBERS
    )


def can_see_provenance(viewer: Viewer, person: Person) -> bool:
    """Which file and line each imported fact came from: the association's staff only
    (the files name other people too)."""
    return viewer.is_authenticated and viewer.is_staff


def can_erase(viewer: Viewer, person: Person) -> bool:
    """Erasure (GDPR): asked by the person themself, or carried out by the staff."""
    return can_see_private_records(viewer, person)


def reveal_counts_towards_limit(viewer: Viewer, person: Person) -> bool:
    """Revealing one's own details is not scraping: only other people's count per day."""
    return not is_owner(viewer, person)


#: A signed-in member with paid dues and no other right: what paying would let one see.
PAYING_MEMBER = Viewer(user_id=0, person_id=None, is_staff=False, is_paying=True)


def audience(level: int) -> Viewer:
    """A stand-in for a whole audience (0 members, 1 paying members, 2 staff), owner of nothing.

    The search index is built once per audience level, from what this viewer may see.
    """
    return Viewer(user_id=0, person_id=None, is_staff=level >= 2, is_paying=level >= 1)
