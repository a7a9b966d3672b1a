"""The directory search in the API: the same index, visibility rules and rate limit as the page."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from filon.api.schemas import Text, answers
from filon.audit import throttle
from filon.directory.privacy import viewer_for
from filon.directory.search import (
    SearchParams,
    facets_json,
    result_json,
    search,
)

router = Router(tags=["annuaire"])


#: A promotion year, or a page of results (the page's own parser ignores larger numbers).
Year = Annotated[int, Field(ge=1, le=9999)]
Page = Annotated[int, Field(ge=1, le=9999)]


class MatchOut(Schema):
    field: str
    words: list[str]


class SearchHitOut(Schema):
    id: int
    name: str
    promo: str
    promos: list[str]
    position: str | None
    matched: list[MatchOut]


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    total: int
    page: int
    pages: int
    results: list[SearchHitOut]
    facets: dict[str, list[FacetValueOut]]


@router.get(
    "/search",
    response=answers(SearchOut, 422, 429),
    summary="Rechercher dans l'annuaire",
    description=(
        "Recherche plein texte (nom, organisations, fonctions, thèse, compétences, laboratoire, "
        "ville ; accents et une faute de frappe dans un nom tolérés) avec facettes. Chaque "
        "facette se filtre en répétant le paramètre (`school=P&school=E`) ; `aide=1` ne garde "
        "que les membres qui proposent leur aide (au moins une offre d'aide active, facette "
        "`aide`). Les rubriques que "
        "les membres cachent à l'appelant ne sont ni cherchées ni comptées. Limité à "
        "FILON_PEOPLE_PER_MINUTE consultations par minute et FILON_PEOPLE_PER_DAY par jour et "
        "par compte, pour tout ce qui montre des personnes (429 au-delà, avec Retry-After)."
    ),
)
def search_directory(
    request: HttpRequest,
    q: Text = "",
    school: list[Text] = Query([]),  # noqa: B008  (ninja's way of declaring list parameters)
    track: list[Text] = Query([]),  # noqa: B008
    decade: list[Text] = Query([]),  # noqa: B008
    sector: list[Text] = Query([]),  # noqa: B008
    organisation: list[Text] = Query([]),  # noqa: B008
    country: list[Text] = Query([]),  # noqa: B008
    city: list[Text] = Query([]),  # noqa: B008
    aide: list[Text] = Query(  # noqa: B008
        [], description="1 : seulement les membres qui proposent leur aide."
    ),
    vintage_from: Year | None = None,
    vintage_to: Year | None = None,
    page: Page = 1,
) -> Any:
    throttle.spend(request.user, "people")  # 429 with Retry-After past the budget
    # The declared parameters document the endpoint; the page's parser reads them the same way.
    params = SearchParams.from_querydict(request.GET)
    found = search(viewer_for(request.user), params)
    return {
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "results": [result_json(row) for row in found.results],
        "facets": facets_json(found),
    }
