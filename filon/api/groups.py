"""Groups and clubs, and the opportunities board, in the API.

The same queries and actions as the pages (:mod:`filon.groups.queries`,
:mod:`filon.opportunities.queries`): a group's members are listed to its members and staff
only, each one a person the caller may find; listing them spends the caller's ``people``
budget (429 past it).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from filon.api.schemas import Id, Text, answers
from filon.audit import throttle
from filon.directory.privacy import viewer_for
from filon.groups import actions, queries
from filon.network.models import Group
from filon.opportunities import matching
from filon.opportunities import queries as opportunity_queries

router = Router(tags=["groupes"])

NOT_FOUND = "Groupe introuvable (group not found)."
Limit = Annotated[int, Field(ge=1, le=200)]
Offset = Annotated[int, Field(ge=0, le=1_000_000)]


class GroupOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    admission: str
    place: str
    description: str
    members: int
    url: str


class GroupsOut(Schema):
    count: int
    groups: list[GroupOut]


class PersonRowOut(Schema):
    id: int
    name: str
    role: str
    role_label: str
    is_admin: bool
    since: date | None
    out_of_directory: bool


class EventRefOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: str
    place: str


class AnnouncementOut(Schema):
    subject: str
    body: str
    created_at: str
    author: str | None


class GroupDetailOut(GroupOut):
    admins: list[PersonRowOut]
    events: list[EventRefOut]
    is_member: bool
    announcements: list[AnnouncementOut]


class MembersOut(Schema):
    count: int
    members: list[PersonRowOut]


class JoinOut(Schema):
    outcome: str  # "joined" or "requested"


def group_json(g: Group) -> dict[str, object]:
    return {
        "id": g.pk,
        "name": g.name,
        "kind": g.kind,
        "kind_label": str(g.get_kind_display()),
        "admission": g.admission,
        "place": g.place,
        "description": g.description,
        "members": getattr(g, "member_count", 0),
        "url": f"/groupes/{g.pk}/",
    }


def detail_json(viewer: object, g: Group) -> dict[str, object]:
    from filon.directory.privacy import Viewer

    assert isinstance(viewer, Viewer)
    return {
        **group_json(g),
        "admins": queries.admins(viewer, g),
        "events": [
            {
                "id": e.pk,
                "title": e.title,
                "kind": e.kind,
                "starts_at": e.starts_at.isoformat(),
                "place": e.place,
            }
            for e in queries.upcoming_events(g)
        ],
        "is_member": queries.is_member(viewer, g),
        "announcements": [
            {
                "subject": a.subject,
                "body": a.body,
                "created_at": a.created_at.isoformat(),
                "author": a.author.full_name if a.author else None,
            }
            for a in queries.announcements(viewer, g)
        ],
    }


def _group(pk: int) -> Group:
    g = queries.group(pk)
    if g is None:
        raise HttpError(404, NOT_FOUND)
    return g


@router.get("/groups", response=answers(GroupsOut, 422), summary="Les groupes et clubs")
def list_groups(
    request: HttpRequest, q: Text = "", kind: Text = "", limit: Limit = 50, offset: Offset = 0
) -> dict[str, object]:
    found = queries.groups(q[:200], kind)
    return {
        "count": found.count(),
        "groups": [group_json(g) for g in found[offset : offset + limit]],
    }


@router.get(
    "/groups/{group_id}", response=answers(GroupDetailOut, 404, 422, 429), summary="Un groupe"
)
def show_group(request: HttpRequest, group_id: Id) -> dict[str, object]:
    g = _group(group_id)
    throttle.spend(request.user, "people")  # names its admins
    return detail_json(viewer_for(request.user), g)


@router.get(
    "/groups/{group_id}/members",
    response=answers(MembersOut, 403, 404, 422, 429),
    summary="Les membres d'un groupe (pour ses membres et l'équipe)",
)
def group_members(
    request: HttpRequest,
    group_id: Id,
    q: Text = "",
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, object]:
    g = _group(group_id)
    viewer = viewer_for(request.user)
    if not queries.can_see_inside(viewer, g):
        raise HttpError(403, "Réservé aux membres du groupe (group members only).")
    throttle.spend(request.user, "people")
    total, rows = queries.members(viewer, g, query=q[:100], limit=limit, offset=offset)
    return {"count": total, "members": rows}


@router.post(
    "/groups/{group_id}/join",
    response=answers(JoinOut, 404, 409, 422),
    summary="Rejoindre un groupe (ou demander à le rejoindre)",
)
def join_group(request: HttpRequest, group_id: Id) -> dict[str, str]:
    g = _group(group_id)
    try:
        return {"outcome": actions.join(request.user, g)}
    except actions.GroupError as exc:
        raise HttpError(409, str(exc.message)) from None


@router.post(
    "/groups/{group_id}/leave", response=answers(JoinOut, 404, 409, 422), summary="Quitter"
)
def leave_group(request: HttpRequest, group_id: Id) -> dict[str, str]:
    g = _group(group_id)
    try:
        actions.leave(request.user, g)
    except actions.GroupError as exc:
        raise HttpError(409, str(exc.message)) from None
    return {"outcome": "left"}


# -- opportunities -----------------------------------------------------------------------------

opportunities_router = Router(tags=["opportunités"])


class OpportunityOut(Schema):
    id: int
    kind: str
    kind_label: str
    contract: str
    title: str
    description: str
    organisation: str
    organisation_id: int | None
    location: str
    closes_on: date
    can_introduce: bool
    url: str
    reasons: list[str]


class OpportunitiesOut(Schema):
    count: int
    opportunities: list[OpportunityOut]


class BoardFilters(Schema):
    q: Text = ""
    kind: Text = ""
    sector: Annotated[str, Field(max_length=8)] = ""
    place: Annotated[Text, Field(max_length=120)] = ""
    soon: bool = False
    limit: Limit = 50
    offset: Offset = 0


def _opp_json(o: object, reasons: list[str] | None = None) -> dict[str, object]:
    from filon.opportunities.models import Opportunity

    assert isinstance(o, Opportunity)
    return {
        "id": o.pk,
        "kind": o.kind,
        "kind_label": str(o.get_kind_display()),
        "contract": o.contract,
        "title": o.title,
        "description": o.description,
        "organisation": o.organisation_name,
        "organisation_id": o.organisation_id,
        "location": o.location,
        "closes_on": o.closes_on,
        "can_introduce": o.can_introduce,
        "url": f"/opportunites/{o.pk}/",
        "reasons": reasons or [],
    }


@opportunities_router.get(
    "/opportunities", response=answers(OpportunitiesOut, 422), summary="Le tableau"
)
def board(request: HttpRequest, filters: Query[BoardFilters]) -> dict[str, object]:
    found = opportunity_queries.board(
        query=filters.q[:200],
        kind=filters.kind,
        sector=filters.sector,
        place=filters.place,
        soon=filters.soon,
    )["results"]
    page = found[filters.offset : filters.offset + filters.limit]
    return {"count": found.count(), "opportunities": [_opp_json(o) for o in page]}


@opportunities_router.get(
    "/opportunities/for-me",
    response=answers(OpportunitiesOut, 422),
    summary="Les opportunités qui correspondent à mes compétences et à mes scénarios",
)
def for_me(request: HttpRequest) -> dict[str, object]:
    found = matching.for_person(getattr(request.user, "person_id", None), limit=20)
    return {
        "count": len(found),
        "opportunities": [_opp_json(m.opportunity, m.reasons) for m in found],
    }
