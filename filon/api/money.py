"""The money API: an organisation's, a project's and a programme's money, who funded my thesis,
and the money trail.

The same queries as the pages (:mod:`filon.money.queries`). Amounts are exact decimal strings,
one per currency (``{"EUR": "1058422.50"}``); currencies are never added up. Alumni lists go
through the directory's privacy rules, and count against the per-minute limit of the pages.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from filon.directory.privacy import viewer_for
from filon.money import queries
from filon.money.models import Programme
from filon.money.views import allow_query

router = Router(tags=["financements"])

TOO_MANY = "Trop de demandes en une minute."


def _check(request: HttpRequest) -> None:
    if not allow_query(request):
        raise HttpError(429, TOO_MANY)


def _one(finder: Any, ref: str, what: str) -> Any:
    try:
        found = finder(ref)
    except queries.Ambiguous as exc:
        raise HttpError(409, f"Plusieurs {what} correspondent : {', '.join(exc.choices)}") from None
    if found is None:
        raise HttpError(404, f"{what.capitalize()} introuvable.")
    return found


@router.get(
    "/money/organisations/{ref}",
    response=dict[str, Any],
    summary="Ce qu'une organisation reçoit",
    description="`ref` : numéro Filon, identifiant (PIC, n° d'organisation…) ou nom. Projets, "
    "projets coordonnés, montants reçus par devise, par programme, par année et par financeur, "
    "co-participants et anciens qui y travaillent.",
)
def organisation(request: HttpRequest, ref: str) -> Any:
    _check(request)
    org = _one(queries.find_organisation, ref, "organisation")
    return queries.jsonable(queries.organisation_money(org, viewer=viewer_for(request.user)))


@router.get(
    "/money/projects/{ref}",
    response=dict[str, Any],
    summary="Les participants d'un projet et leurs contributions",
    description="`ref` : numéro de convention (821984) ou acronyme.",
)
def project(request: HttpRequest, ref: str) -> Any:
    _check(request)
    found = _one(queries.find_project, ref, "projet")
    return queries.jsonable(queries.project_money(found, viewer=viewer_for(request.user)))


@router.get(
    "/money/programmes/{ref}",
    response=dict[str, Any],
    summary="Ce qu'un programme donne : à qui, dans quels thèmes, quand",
    description="`ref` : code (H2020-EU.2.1.6.), nom court (LEIT-SPACE) ou nom. Le programme et "
    "tout ce qui est en dessous.",
)
def programme(request: HttpRequest, ref: str) -> Any:
    _check(request)
    found = _one(queries.find_programme, ref, "programme")
    return queries.jsonable(queries.programme_money(found, viewer=viewer_for(request.user)))


@router.get(
    "/money/funders/{org_id}",
    response=dict[str, Any],
    summary="Ce qu'un financeur donne : ses programmes, à qui, dans quels thèmes, quand",
)
def funder(request: HttpRequest, org_id: int) -> Any:
    _check(request)
    org = _one(queries.find_organisation, str(org_id), "financeur")
    return queries.jsonable(queries.funder_money(org, viewer=viewer_for(request.user)))


@router.get(
    "/money/my-thesis",
    response=dict[str, Any],
    summary="Qui a financé ma thèse, et qui d'autre finance-t-il ?",
    description="Les financeurs du compte connecté, les organisations qu'ils financent et leurs "
    "partenaires, classés par montant, avec les anciens qui y travaillent.",
)
def my_thesis(request: HttpRequest) -> Any:
    _check(request)
    return queries.jsonable(queries.who_funded_my_thesis(viewer_for(request.user)))


@router.get(
    "/money/trail",
    response=dict[str, Any],
    summary="Le parcours de l'argent (données du diagramme de Sankey)",
    description="`funder` (répétable) ou `programme` : financeur → programme → projet → "
    "organisation, dans une seule devise (`currency`, sinon la principale).",
)
def trail(
    request: HttpRequest,
    funder: int | None = None,
    programme: int | None = None,
    currency: str = "",
) -> Any:
    prog = None
    if programme is not None:
        prog = Programme.objects.filter(pk=programme).first()
        if prog is None:
            raise HttpError(404, "Programme introuvable.")
    elif funder is None:
        raise HttpError(400, "Donner `funder` ou `programme`.")
    data = queries.trail(
        funder_ids=[funder] if funder is not None else [], programme=prog, currency=currency.upper()
    )
    return queries.jsonable(data)
