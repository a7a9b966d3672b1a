"""The money pages: overview, an organisation's money, a funder, a programme, a project,
"Qui a financé ma thèse ?", the money trail, and the staff's decision on look-alike organisations.

Every page needs a signed-in member (LoginRequiredMiddleware). Pages that list alumni spend
the member's scraping budget (filon.audit.throttle), as the directory search does: they name people.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from filon.audit.throttle import limited
from filon.core.money import format_amount
from filon.directory.privacy import staff_required, viewer_for
from filon.money import charts, queries, topic
from filon.money.actions import MergeRefused, keep_organisations_separate, merge_organisations
from filon.money.models import OrgMatchCandidate, OrgMatchStatus, Programme, Project
from filon.orgs.models import Organisation


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """GET /financements/?q=…: funders, programmes, and a search for an organisation,
    a programme or a project."""
    query = (request.GET.get("q") or "").strip()[:200]
    found: dict[str, list[Any]] = {"organisations": [], "programmes": [], "projects": []}
    if query:
        project = Project.objects.filter(identifier=query).first()
        if project is not None:
            return redirect("money:project", project.pk)
        from filon.core.text import fold
        from filon.network.queries import find_organisations

        found["organisations"] = [
            o for o in find_organisations(query, limit=40) if o.participations.exists()
        ][:15]
        folded = fold(query)
        found["programmes"] = list(
            Programme.objects.filter(name_folded__contains=folded).order_by("code")[:15]
        )
        found["projects"] = list(
            Project.objects.filter(acronym__icontains=query).order_by("-start")[:15]
        )
    context = {"query": query, "found": found, "data": queries.overview()}
    return render(request, "money/home.html", context)


@require_GET
@limited("people")
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /financements/organisations/<id>/: what an organisation receives, and who is there."""
    org = get_object_or_404(Organisation, pk=pk)
    data = queries.organisation_money(org, viewer=viewer_for(request.user))
    context = {
        "org": org,
        "data": data,
        "is_funder": queries.is_funder(org),
        "years_chart": charts.years_html(data["by_year"], "received", "org-years"),
    }
    return render(request, "money/organisation.html", context)


@require_GET
@limited("people")
def funder(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /financements/financeurs/<id>/: what a funder gives, to whom, in which topics, when."""
    org = get_object_or_404(Organisation, pk=pk)
    data = queries.funder_money(org, viewer=viewer_for(request.user))
    context = {
        "org": org,
        "data": data,
        "years_chart": charts.years_html(data["by_year"], "total", "funder-years"),
        "trail_url": f"{_trail_url()}?financeur={org.pk}",
    }
    return render(request, "money/funder.html", context)


@require_GET
@limited("people")
def programme(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /financements/programmes/<id>/: the same questions for one programme and below."""
    prog = get_object_or_404(Programme.objects.select_related("funder"), pk=pk)
    data = queries.programme_money(prog, viewer=viewer_for(request.user))
    context = {
        "programme": prog,
        "data": data,
        "years_chart": charts.years_html(data["by_year"], "total", "programme-years"),
        "trail_url": f"{_trail_url()}?programme={prog.pk}",
    }
    return render(request, "money/programme.html", context)


@require_GET
@limited("people")
def project(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /financements/projets/<id>/: a project's participants, roles and amounts."""
    found = get_object_or_404(Project.objects.select_related("funder", "programme"), pk=pk)
    data = queries.project_money(found, viewer=viewer_for(request.user))
    return render(request, "money/project.html", {"project": found, "data": data})


@require_GET
@limited("people")
def my_thesis(request: HttpRequest) -> HttpResponse:
    """GET /financements/ma-these/: "Qui a financé ma thèse ?", and who else they fund."""
    viewer = viewer_for(request.user)
    data = queries.who_funded_my_thesis(viewer)
    funder_ids = [s["funder"]["id"] for s in data["funders"] if s["gives"]]
    trail = queries.trail(funder_ids=funder_ids, currency=request.GET.get("devise", ""))
    context = {
        "data": data,
        "trail": trail,
        "chart": charts.sankey_html(trail, "thesis-trail"),
        "has_person": viewer.person_id is not None,
    }
    return render(request, "money/my_thesis.html", context)


@require_GET
@limited("people")
def my_topic(request: HttpRequest) -> HttpResponse:
    """GET /financements/mon-sujet/: "Qui paie pour mon sujet ?", the funded projects closest
    to the member's subject, the organisations paid most for it and the alumni there."""
    viewer = viewer_for(request.user)
    data = None
    if viewer.person_id is not None:
        data = topic.my_topic(viewer)
    return render(request, "money/my_topic.html", {"data": data})


@require_POST
def topic_scenario(request: HttpRequest) -> HttpResponse:
    """POST /financements/mon-sujet/scenario/ (organisation=<id> or programme=<id>): a new
    offer scenario prefilled from the topic, then its page on « Mon projet »."""
    viewer = viewer_for(request.user)
    if viewer.person_id is None:
        raise Http404
    org = prog = None
    if request.POST.get("organisation", "").isdigit():
        org = get_object_or_404(Organisation, pk=int(request.POST["organisation"]))
    elif request.POST.get("programme", "").isdigit():
        prog = get_object_or_404(Programme, pk=int(request.POST["programme"]))
    else:
        raise Http404
    scenario = topic.create_scenario(request.user, viewer, organisation=org, programme=prog)
    messages.success(
        request,
        _(
            "Scénario créé à partir de « Qui paie pour mon sujet ? » : modifiez-le, puis testez "
            "ses hypothèses."
        ),
    )
    return redirect("projects:scenario", scenario.pk)


def _trail_url() -> str:
    from django.urls import reverse

    return reverse("money:trail")


@require_GET
def trail(request: HttpRequest) -> HttpResponse:
    """GET /financements/flux/?financeur=<id>|programme=<id>&devise=EUR: the Sankey diagram."""
    currency = (request.GET.get("devise") or "").upper()[:3]
    prog = None
    funders: list[Organisation] = []
    if request.GET.get("programme", "").isdigit():
        prog = get_object_or_404(Programme, pk=int(request.GET["programme"]))
    else:
        ids = [int(v) for v in request.GET.getlist("financeur") if v.isdigit()]
        funders = list(Organisation.objects.filter(pk__in=ids))
        if not funders:
            overview = queries.overview(top=1)
            top = [f["id"] for f in overview["funders"] if f["id"]]
            funders = list(Organisation.objects.filter(pk__in=top))
    data = queries.trail(funder_ids=[f.pk for f in funders], programme=prog, currency=currency)
    context = {
        "data": data,
        "total": format_amount(data["total"], data["currency"]) if data["currency"] else "",
        "chart": charts.sankey_html(data),
        "programme": prog,
        "funders": funders,
        "query": request.GET.urlencode(),
    }
    return render(request, "money/trail.html", context)


@require_POST
@staff_required
def org_merge_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """POST from /imports/fusions/: merge two look-alike organisations, or keep them apart."""
    candidate = get_object_or_404(
        OrgMatchCandidate.objects.select_related("existing", "incoming"),
        pk=pk,
        status=OrgMatchStatus.PENDING,
    )
    decision = request.POST.get("decision", "")
    if decision == "separate":
        keep_organisations_separate(request.user, candidate)
        messages.success(request, _("Les deux organisations restent distinctes."))
        return redirect("imports:merges")
    if decision not in ("keep_existing", "keep_incoming"):
        raise Http404
    keep = candidate.existing if decision == "keep_existing" else candidate.incoming
    drop = candidate.incoming if decision == "keep_existing" else candidate.existing
    name = drop.name
    try:
        kept = merge_organisations(request.user, keep, drop)
    except MergeRefused as exc:
        messages.error(request, str(exc))
        return redirect("imports:merges")
    messages.success(
        request,
        _("Organisations fusionnées : %(drop)s est réunie avec %(keep)s.")
        % {"drop": name, "keep": kept.name},
    )
    return redirect("imports:merges")
