"""The network's API: introduction paths, who we know at an organisation, the ego map.

The same queries as the pages (:mod:`filon.network.queries`), so the same privacy rules: the
ends of a path must be findable by the caller, nobody who opted out stands in the middle, and
an edge counts only if the caller may see what it comes from.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from filon.directory.privacy import viewer_for
from filon.network import queries
from filon.network.views import allow_query

router = Router(tags=["réseau"])

NOT_FOUND = "Personne ou organisation introuvable."
NO_SOURCE = "Ce compte n'est relié à aucune fiche de l'annuaire."
TOO_MANY = "Trop de demandes en une minute."


def _check(request: HttpRequest) -> None:
    if not allow_query(request.user):
        raise HttpError(429, TOO_MANY)


@router.get(
    "/network/paths",
    response=dict[str, Any],
    summary="Chemins de mise en relation vers une personne ou une organisation",
    description=(
        "Les k chemins les plus forts (4 intermédiaires au plus), chaque étape avec sa raison. "
        "Donner `to` (id d'une personne) ou `to_org` (id d'une organisation)."
    ),
)
def paths(
    request: HttpRequest,
    to: int | None = None,
    to_org: int | None = None,
    k: int = 3,
) -> Any:
    if (to is None) == (to_org is None):
        raise HttpError(400, "Donner soit `to`, soit `to_org`.")
    _check(request)
    viewer = viewer_for(request.user)
    try:
        if to is not None:
            found = queries.paths_to_person(viewer, to, k=k)
        else:
            found = queries.paths_to_org(viewer, to_org or 0, k=k)
    except queries.NoSource:
        raise HttpError(409, NO_SOURCE) from None
    except queries.NotFound:
        raise HttpError(404, NOT_FOUND) from None
    return {"paths": found}


@router.get(
    "/network/organisations/{org_id}/who",
    response=dict[str, Any],
    summary="Qui connaît-on chez cette organisation ?",
    description="Qui y travaille, qui y a travaillé, quelles thèses elle a financées, "
    "et le chemin le plus fort vers chacun.",
)
def who_at(request: HttpRequest, org_id: int) -> Any:
    _check(request)
    try:
        return queries.who_at(viewer_for(request.user), org_id)
    except queries.NotFound:
        raise HttpError(404, NOT_FOUND) from None


@router.get(
    "/network/ego",
    response=dict[str, Any],
    summary="Mon réseau : voisinage à 1 ou 2 étapes",
    description="`liens`, séparés par des virgules, filtre les types de lien : "
    + ", ".join(queries.TIE_FILTERS)
    + ".",
)
def ego(request: HttpRequest, depth: int = 2, liens: str = "") -> Any:
    filters = [f.strip() for f in liens.split(",") if f.strip()]
    try:
        return queries.ego_map(viewer_for(request.user), depth=depth, filters=filters)
    except queries.NoSource:
        raise HttpError(409, NO_SOURCE) from None
