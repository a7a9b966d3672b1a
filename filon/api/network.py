"""The network's API: introduction paths, who we know at an organisation, the ego map.

The same queries as the pages (:mod:`filon.network.queries`), so the same privacy rules: the
ends of a path must be findable by the caller, nobody who opted out stands in the middle, and
an edge counts only if the caller may see what it comes from.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from filon.api.schemas import Id, Text, answers
from filon.audit import throttle
from filon.directory.privacy import viewer_for
from filon.network import queries

router = Router(tags=["réseau"])

NOT_FOUND = "Personne ou organisation introuvable."
NO_SOURCE = "Ce compte n'est relié à aucune fiche de l'annuaire."

#: How many paths to each target (the graph search stops at MAX_K).
K = Annotated[int, Field(ge=1, le=queries.MAX_K)]
Depth = Annotated[int, Field(ge=1, le=2)]


class NodeOut(Schema):
    """A person, an organisation, a lab, a promotion, a group, a project or a funder."""

    kind: str
    kind_label: str
    name: str
    id: int | str | None  # the person's or organisation's id, when it has a page
    url: str | None


class HopOut(Schema):
    """One step of a path, with its reasons in words."""

    source: NodeOut = Field(serialization_alias="from")
    to: NodeOut
    via: NodeOut | None
    kind: str
    reason: str
    reasons: list[str]
    strength: str | None  # strong, medium, weak; null for "works at" and "funded by"
    strength_label: str | None
    cost: float

    @staticmethod
    def resolve_source(obj: dict[str, Any]) -> Any:
        return obj["from"]


class PathOut(Schema):
    cost: float
    hops: list[HopOut]
    people: int
    intermediaries: list[str]


class PathsOut(Schema):
    paths: list[PathOut]


class OrganisationRefOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    kind_label: str
    city: str
    country: str


class WhoPersonOut(Schema):
    id: int
    name: str
    url: str
    is_viewer: bool


class WhoRowOut(Schema):
    person: WhoPersonOut
    title: str
    funding: str | None = None  # how the thesis was funded (the "funded" list only)
    start: int | None
    end: int | None
    path: PathOut | None  # the caller's strongest path, null when out of reach


class WhoOut(Schema):
    organisation: OrganisationRefOut
    current: list[WhoRowOut]
    former: list[WhoRowOut]
    funded: list[WhoRowOut]


class EgoNodeOut(NodeOut):
    node: int
    ring: int  # 0 the caller, 1 or 2 steps away
    parent: int | None


class EgoEdgeOut(HopOut):
    a: int
    b: int


class EgoOut(Schema):
    center: int
    nodes: list[EgoNodeOut]
    edges: list[EgoEdgeOut]


def _check(request: HttpRequest) -> None:
    """Spend one unit of the caller's scraping budget (429 past it, see filon.audit.throttle)."""
    throttle.spend(request.user, "people")


@router.get(
    "/network/paths",
    response=answers(PathsOut, 404, 409, 422, 429),
    by_alias=True,
    summary="Chemins de mise en relation vers une personne ou une organisation",
    description=(
        "Les k chemins les plus forts (4 intermédiaires au plus), chaque étape avec sa raison, "
        "vers `to` (id d'une personne) puis vers `to_org` (id d'une organisation). Sans l'un "
        "ni l'autre, aucun chemin."
    ),
)
def paths(
    request: HttpRequest,
    to: Id | None = None,
    to_org: Id | None = None,
    k: K = 3,
) -> Any:
    if to is None and to_org is None:
        return {"paths": []}
    _check(request)
    viewer = viewer_for(request.user)
    found = []
    try:
        if to is not None:
            found += queries.paths_to_person(viewer, to, k=k)
        if to_org is not None:
            found += queries.paths_to_org(viewer, to_org, k=k)
    except queries.NoSource:
        raise HttpError(409, NO_SOURCE) from None
    except queries.NotFound:
        raise HttpError(404, NOT_FOUND) from None
    return {"paths": found}


@router.get(
    "/network/organisations/{org_id}/who",
    response=answers(WhoOut, 404, 422, 429),
    by_alias=True,
    summary="Qui connaît-on chez cette organisation ?",
    description="Qui y travaille, qui y a travaillé, quelles thèses elle a financées, "
    "et le chemin le plus fort vers chacun.",
)
def who_at(request: HttpRequest, org_id: Id) -> Any:
    _check(request)
    try:
        return queries.who_at(viewer_for(request.user), org_id)
    except queries.NotFound:
        raise HttpError(404, NOT_FOUND) from None


@router.get(
    "/network/ego",
    response=answers(EgoOut, 409, 422, 429),
    by_alias=True,
    summary="Mon réseau : voisinage à 1 ou 2 étapes",
    description="`liens`, séparés par des virgules, filtre les types de lien : "
    + ", ".join(queries.TIE_FILTERS)
    + ".",
)
def ego(request: HttpRequest, depth: Depth = 2, liens: Text = "") -> Any:
    _check(request)
    filters = [f.strip() for f in liens.split(",") if f.strip()]
    try:
        return queries.ego_map(viewer_for(request.user), depth=depth, filters=filters)
    except queries.NoSource:
        raise HttpError(409, NO_SOURCE) from None
