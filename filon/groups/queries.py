"""Reads on groups and clubs, through :mod:`filon.directory.privacy`.

Every member sees the list of groups, each group's description, its admins (findable to them)
and its upcoming events. The members, the announcements and « who in this group can introduce
me » are for the group's members and the association's staff; each person listed is one the
viewer may find (people out of the directory only for staff, marked « hors annuaire »).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from filon.core.text import fold
from filon.directory.models import Person
from filon.directory.privacy import Viewer, findable, intermediaries
from filon.events.models import Event
from filon.network.models import (
    Group,
    GroupAnnouncement,
    GroupJoinRequest,
    GroupKind,
    GroupMembership,
    JoinStatus,
)

PAGE = 30


def groups(query: str = "", kind: str = "") -> QuerySet[Group]:
    """Groups matching ``query`` (name, description, place; accents ignored) and ``kind``."""
    found = Group.objects.annotate(member_count=Count("memberships", distinct=True)).order_by(
        "name"
    )
    if kind in GroupKind.values:
        found = found.filter(kind=kind)
    words = fold(query).split()
    if words:
        matching: list[int] = []
        for pk, name, description, place in Group.objects.values_list(
            "pk", "name", "description", "place"
        ):
            text = fold(f"{name} {description} {place}")
            if all(w in text for w in words):
                matching.append(pk)
        found = found.filter(pk__in=matching)
    return found


def kind_counts() -> dict[str, int]:
    return dict(Group.objects.values_list("kind").annotate(n=Count("pk")).order_by())


def group(pk: int) -> Group | None:
    return Group.objects.annotate(member_count=Count("memberships")).filter(pk=pk).first()


def find_group(name_or_id: str) -> Group | None:
    """A group by its id or its name (accents and case ignored)."""
    value = name_or_id.strip()
    if value.isdigit():
        return group(int(value))
    folded = fold(value)
    for g in Group.objects.order_by("pk"):
        if fold(g.name) == folded:
            return group(g.pk)
    return None


def membership(g: Group, person_id: int | None) -> GroupMembership | None:
    if person_id is None:
        return None
    return GroupMembership.objects.filter(group=g, person_id=person_id).first()


def pending_request(g: Group, person_id: int | None) -> GroupJoinRequest | None:
    if person_id is None:
        return None
    return GroupJoinRequest.objects.filter(
        group=g, person_id=person_id, status=JoinStatus.PENDING
    ).first()


def is_member(viewer: Viewer, g: Group) -> bool:
    return viewer.person_id is not None and (
        GroupMembership.objects.filter(group=g, person_id=viewer.person_id).exists()
    )


def can_see_inside(viewer: Viewer, g: Group) -> bool:
    """Members, announcements, introductions: the group's members and staff."""
    return viewer.is_authenticated and (viewer.is_staff or is_member(viewer, g))


def _person_row(m: GroupMembership) -> dict[str, Any]:
    p = m.person
    return {
        "id": p.pk,
        "name": p.full_name,
        "role": m.role,
        "role_label": str(m.get_role_display()),
        "is_admin": m.is_admin,
        "since": m.start,
        "out_of_directory": p.directory_opt_out,
    }


def admins(viewer: Viewer, g: Group) -> list[dict[str, Any]]:
    rows = (
        GroupMembership.objects.filter(group=g, is_admin=True, person__in=findable(viewer))
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    return [_person_row(m) for m in rows]


def members(
    viewer: Viewer, g: Group, *, query: str = "", limit: int | None = None, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """(how many, the page of members) as this viewer may see them; nothing for outsiders."""
    if not can_see_inside(viewer, g):
        return 0, []
    rows = (
        GroupMembership.objects.filter(group=g, person__in=findable(viewer))
        .select_related("person")
        .order_by("-is_admin", "person__last_name", "person__first_name", "pk")
    )
    words = fold(query).split()
    if words:
        rows = rows.filter(
            *[Q(person__last_name__icontains=w) | Q(person__first_name__icontains=w)
              for w in query.split()]
        )  # fmt: skip
    total = rows.count()
    page = rows[offset : offset + limit] if limit is not None else rows[offset:]
    return total, [_person_row(m) for m in page]


def requests(g: Group) -> list[GroupJoinRequest]:
    """Pending requests to join, for the group's admins."""
    return list(
        GroupJoinRequest.objects.filter(group=g, status=JoinStatus.PENDING)
        .select_related("person")
        .order_by("created_at", "pk")
    )


def announcements(viewer: Viewer, g: Group, *, limit: int = 10) -> list[GroupAnnouncement]:
    if not can_see_inside(viewer, g):
        return []
    return list(GroupAnnouncement.objects.filter(group=g).select_related("author")[:limit])


def upcoming_events(g: Group, *, limit: int = 10) -> list[Event]:
    return list(
        Event.objects.filter(group=g, starts_at__gte=timezone.now(), is_cancelled=False).order_by(
            "starts_at", "pk"
        )[:limit]
    )


def my_groups(person_id: int | None) -> list[Group]:
    if person_id is None:
        return []
    return list(
        Group.objects.filter(memberships__person_id=person_id)
        .annotate(member_count=Count("memberships"))
        .order_by("name")
    )


def my_groups_events(person_id: int | None, *, limit: int = 5) -> list[Event]:
    """Upcoming events of the groups a member belongs to (their home page)."""
    if person_id is None:
        return []
    return list(
        Event.objects.filter(
            group__memberships__person_id=person_id,
            starts_at__gte=timezone.now(),
            is_cancelled=False,
        )
        .select_related("group")
        .order_by("starts_at", "pk")
        .distinct()[:limit]
    )


def introducers(viewer: Viewer, g: Group, org_id: int) -> list[dict[str, Any]]:
    """Who in this group can introduce the viewer to an organisation: the group's members the
    viewer may be introduced through who work there, worked there or whose thesis it funded,
    each with the reason in words; for the group's members and staff only."""
    from filon.network.queries import NotFound, who_at

    if not can_see_inside(viewer, g):
        return []
    ids = set(
        GroupMembership.objects.filter(group=g, person__in=intermediaries(viewer)).values_list(
            "person_id", flat=True
        )
    )
    try:
        found = who_at(viewer, org_id, limit=1000)
    except NotFound:
        return []
    org = found["organisation"]["name"]
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    for where in ("current", "former", "funded"):
        for row in found[where]:
            pid = row["person"]["id"]
            if pid not in ids or pid in seen:
                continue
            seen.add(pid)
            rows.append({**row, "where": where, "organisation": org})
    return rows


def person_of(pk: int) -> Person | None:
    return Person.objects.filter(pk=pk).first()
