"""The directory's search page: query box, facets, results; htmx refreshes the results only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from filon.audit import throttle
from filon.directory.privacy import viewer_for
from filon.directory.search import FACETS, DirectoryPage, SearchParams, search

PAGE_TEMPLATE = "directory/search.html"
RESULTS_TEMPLATE = "directory/_search_results.html"


def _url(params: QueryDict) -> str:
    return "?" + params.urlencode() if params else "?"


def _toggle_url(current: QueryDict, key: str, value: str) -> str:
    """The current search with one facet value selected or unselected, back on page 1."""
    params = current.copy()
    params.pop("page", None)
    values = params.getlist(key)
    params.setlist(key, [v for v in values if v != value] if value in values else [*values, value])
    return _url(params)


def _without_filters(current: QueryDict) -> str:
    params = QueryDict(mutable=True)
    query = current.get("q")
    if query:
        params["q"] = query
    return _url(params)


def _context(request: HttpRequest, params: SearchParams, page: DirectoryPage | None) -> Any:
    facets = []
    if page is not None:
        for facet in page.facets:
            options = [
                {"option": o, "url": _toggle_url(request.GET, facet.key, o.value)}
                for o in facet.options
            ]
            if options:
                facets.append({"facet": facet, "options": options})
    hidden = [(key, value) for key, values in params.filters.items() for value in values]
    return {
        "params": params,
        "page": page,
        "facets": facets,
        "hidden_filters": hidden,
        "clear_url": _without_filters(request.GET),
        "facet_keys": list(FACETS),
    }


@require_GET
@vary_on_headers("HX-Request")
def search_page(request: HttpRequest) -> HttpResponse:
    """GET /annuaire/: the whole page, or only the results for an htmx request."""
    params = SearchParams.from_querydict(request.GET)
    template = RESULTS_TEMPLATE if getattr(request, "htmx", False) else PAGE_TEMPLATE
    try:
        throttle.spend(request.user, "people")
    except throttle.LimitReached as exc:
        # The page itself (or the htmx partial) with the message, so the query typed stays.
        context = _context(request, params, None) | {
            "throttled": True,
            "throttle_message": exc.message,
        }
        response = render(request, template, context, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    page = search(viewer_for(request.user), params)
    return render(request, template, _context(request, params, page))
