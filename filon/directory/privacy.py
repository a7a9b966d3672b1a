"""Who may see what in the directory. Every page, API endpoint and index goes through here.

Three audiences, widest first (:class:`~filon.directory.models.Visibility`):

- ``members``: every signed-in member;
- ``paying``: members whose dues are paid for the current or the previous year;
- ``private``: nobody but the person themself and the association's staff.

Identity (name, schools, promos) is the directory itself and is shown to every member, unless
the person opted out of the directory, in which case nobody but them and staff finds them.
The other parts of a profile (:data:`FIELD_GROUPS`) each carry their own setting.

This module is the only place that decides who may find, see, reveal, introduce through or
erase whom. Every surface asks it: pages, API, search index, network graph, exports, commands.

- A :class:`Viewer` is made here only: :func:`viewer_for` (a signed-in account),
  :func:`as_person` (a person looking at their own network, for commands and exports),
  :func:`audience` (a whole audience, for indexes). A test fails if one is built elsewhere.
- Staff are recognised in one way, :func:`is_staff`; views that only staff may use carry
  :func:`staff_required`.
- **Staff find everyone**, opted-out people included, everywhere: search (where such people
  are marked « hors annuaire »), profiles, API. Members never find an opted-out person, and
  nobody is introduced through them: they are never the middle of a path (:func:`intermediaries`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
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


#: Who counts as a paying member: a function of (person id, today) registered by the app that
#: keeps the dues (filon.association), so that the directory imports no app above it.
_paying_rule: list[Callable[[int, date], bool]] = []


def register_paying_rule(rule: Callable[[int, date], bool]) -> None:
    """Called once by the dues app when it is ready."""
    _paying_rule[:] = [rule]


def is_paying(person_id: int | None, *, today: date | None = None) -> bool:
    """Dues paid for the current or the previous calendar year (as the dues app decides)."""
    if person_id is None or not _paying_rule:
        return False
    return _paying_rule[0](person_id, today or date.today())


def is_staff(user: Any) -> bool:
    """The one staff test: an active, signed-in account with the staff or admin role."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", True)
        and getattr(user, "is_association_staff", False)
    )


def viewer_for(user: Any, *, with_dues: bool = True) -> Viewer:
    """The viewer a signed-in account is (anyone else is :data:`ANONYMOUS`).

    ``with_dues=False`` skips the dues lookup, for what every member sees paying or not.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    person_id = getattr(user, "person_id", None)
    staff = is_staff(user)
    return Viewer(user.pk, person_id, staff, staff or (with_dues and is_paying(person_id)))


def as_person(person_id: int, *, with_dues: bool = True) -> Viewer:
    """A person looking at their own network without a request (commands, exports): a member,
    paying if their dues are, never staff; no account, so nothing is counted against one."""
    paying = with_dues and is_paying(person_id)
    return Viewer(user_id=0, person_id=person_id, is_staff=False, is_paying=paying)


def staff_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view decorator: the association's staff only (others get 403)."""

    @wraps(view)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


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


def findable(viewer: Viewer) -> QuerySet[Person]:
    """:func:`can_find` as a queryset: the people this viewer may find."""
    people = Person.objects.all()
    if not viewer.is_authenticated:
        return people.none()
    if viewer.is_staff:
        return people
    if viewer.person_id:
        return people.filter(Q(directory_opt_out=False) | Q(pk=viewer.person_id))
    return people.filter(directory_opt_out=False)


def may_introduce(person: Person) -> bool:
    """Whether anyone may be introduced through this person (be the middle of a path)."""
    return not person.directory_opt_out and not person.intermediary_opt_out


def can_introduce_through(viewer: Viewer, person: Person) -> bool:
    """Whether the viewer may ask this person to introduce them to someone."""
    return can_find(viewer, person) and may_introduce(person) and not is_owner(viewer, person)


def intermediaries(viewer: Viewer) -> QuerySet[Person]:
    """:func:`can_introduce_through` as a queryset (the viewer themself left out)."""
    people = findable(viewer).filter(directory_opt_out=False, intermediary_opt_out=False)
    return people.exclude(pk=viewer.person_id) if viewer.person_id else people


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


#: Private sections of a profile added by the apps above the directory (the dues history): each
#: a function (person) -> {"title", "template", "data"}, for the person and staff only.
_private_sections: list[Callable[[Person], dict[str, Any]]] = []


def register_private_section(section: Callable[[Person], dict[str, Any]]) -> None:
    if section not in _private_sections:
        _private_sections.append(section)


def private_sections(viewer: Viewer, person: Person) -> list[dict[str, Any]]:
    """The registered private sections of ``person``'s profile this viewer may read."""
    if not can_see_private_records(viewer, person):
        return []
    return [section(person) for section in _private_sections]


def can_erase(viewer: Viewer, person: Person) -> bool:
    """Erasure (GDPR): asked by the person themself, or carried out by the staff."""
    return can_see_private_records(viewer, person)


def can_erase_for_others(viewer: Viewer, person: Person) -> bool:
    """The staff's erasure of someone else, from their profile (a member erases themself from
    their own personal-data page)."""
    return viewer.is_staff and can_erase(viewer, person) and not is_owner(viewer, person)


def can_export_for_others(viewer: Viewer, person: Person) -> bool:
    """The staff's download of someone else's personal data (GDPR access request)."""
    return viewer.is_staff and not is_owner(viewer, person)


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
