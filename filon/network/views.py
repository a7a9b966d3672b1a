"""The network's pages: the ego map, paths to a person, organisations and who we know there."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from filon.audit.throttle import limited
from filon.directory.models import Person
from filon.directory.privacy import can_find, viewer_for
from filon.network import charts, queries
from filon.orgs.models import Organisation


@require_GET
@limited("people")
def ego(request: HttpRequest) -> HttpResponse:
    """GET /reseau/: the viewer's neighbourhood, 1 or 2 hops, filtered by kind of tie."""
    viewer = viewer_for(request.user)
    filters = [f for f in request.GET.getlist("liens") if f in queries.TIE_FILTERS]
    depth = 1 if request.GET.get("profondeur") == "1" else 2
    context: dict[str, Any] = {
        "filters": [
            {"key": key, "label": label, "checked": not filters or key in filters}
            for key, (label, _kinds) in queries.TIE_FILTERS.items()
        ],
        "depth": depth,
        "no_source": False,
    }
    try:
        data = queries.ego_map(viewer, depth=depth, filters=filters)
    except queries.NoSource:
        context["no_source"] = True
        return render(request, "network/ego.html", context)
    people = sum(1 for n in data["nodes"] if n["kind"] == "person" and n["ring"] > 0)
    context.update(
        {
            "chart": charts.figure_html(charts.network_figure(data), "ego-map"),
            "people": people,
            "nodes": len(data["nodes"]),
            "edges": data["edges"],
        }
    )
    return render(request, "network/ego.html", context)


@require_GET
@limited("people")
def person_paths(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /reseau/chemins/<id>/: the viewer's top-3 introduction paths to a person."""
    viewer = viewer_for(request.user)
    person = Person.objects.filter(pk=pk).first()
    if person is None or not can_find(viewer, person):
        raise Http404
    try:
        paths = queries.paths_to_person(viewer, pk)
    except queries.NoSource:
        paths = None
    except queries.NotFound:
        raise Http404 from None
    return render(
        request,
        "network/paths.html",
        {"person": person, "paths": paths, "is_self": pk == viewer.person_id},
    )


@require_GET
def organisations(request: HttpRequest) -> HttpResponse:
    """GET /organisations/?q=…: find an organisation to ask "qui connaît-on chez… ?"."""
    query = (request.GET.get("q") or "").strip()[:200]
    found = queries.find_organisations(query) if query else []
    if len(found) == 1:
        return redirect("network:organisation", found[0].pk)
    return render(request, "network/organisations.html", {"query": query, "found": found})


@require_GET
@limited("people")
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /organisations/<id>/: who we know there (now, before, funded) and the viewer's paths."""
    viewer = viewer_for(request.user)
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        raise Http404
    who = queries.who_at(viewer, pk)
    try:
        paths = queries.paths_to_org(viewer, pk)
    except (queries.NoSource, queries.NotFound):
        paths = None
    picture = charts.organisation_picture(who, reverse("network:organisation", args=[pk]))
    chart = None
    if len(picture["nodes"]) > 1:
        chart = charts.figure_html(charts.network_figure(picture, height=460), "org-map")
    return render(
        request,
        "network/organisation.html",
        {
            "org": org,
            "who": who,
            "paths": paths,
            "chart": chart,
            "directory_url": f"{reverse('directory:search')}?organisation={pk}",
        },
    )
