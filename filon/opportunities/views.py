"""Pages of the opportunities board: search and facets, an opportunity, posting, « Je suis
intéressé(e) », the poster's answers, reports and the staff's moderation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from filon.directory.privacy import as_person, is_staff, staff_required, viewer_for
from filon.opportunities import actions, matching, queries
from filon.opportunities.forms import OpportunityForm, ReportForm
from filon.opportunities.models import Interest, Opportunity
from filon.outreach.actions import OutreachError
from filon.projects import queries as project_queries
from filon.projects.models import Competence, Scenario


def _get(request: HttpRequest, pk: int) -> Opportunity:
    opp = queries.opportunity(pk)
    if opp is None or not queries.visible(viewer_for(request.user), opp):
        raise Http404(_("Opportunité introuvable."))
    return opp


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    f: dict[str, Any] = {
        "query": request.GET.get("q", "")[:200],
        "kind": request.GET.get("type", ""),
        "sector": request.GET.get("secteur", "")[:8],
        "place": request.GET.get("lieu", "")[:120],
        "soon": request.GET.get("bientot") == "1",
    }
    found = queries.board(**f)
    person_id = getattr(request.user, "person_id", None)
    return render(
        request,
        "opportunities/board.html",
        {
            **f,
            "results": found["results"][:100],
            "count": found["results"].count(),
            "facets": found["facets"],
            "matches": matching.for_person(person_id, limit=5),
            "has_person": person_id is not None,
            "is_staff": is_staff(request.user),
        },
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    opp = _get(request, pk)
    viewer = viewer_for(request.user)
    pid = viewer.person_id
    scenarios: list[Scenario] = []
    competences: list[Competence] = []
    if pid is not None:
        scenarios = list(
            Scenario.objects.filter(person_id=pid, parked=False).prefetch_related(
                "buyer_organisations"
            )
        )
        competences = list(Competence.objects.filter(person_id=pid))
    match = matching.explain(opp, competences, scenarios)
    return render(
        request,
        "opportunities/detail.html",
        {
            "opp": opp,
            "poster_shown": queries.poster_shown(viewer, opp),
            "is_poster": pid == opp.poster_id,
            "answers": queries.answers(viewer, opp),
            "my_answer": queries.my_answer(opp, pid),
            "match": match if match.score >= matching.THRESHOLD else None,
            "scenarios": scenarios,
            "has_person": pid is not None,
            "is_staff": viewer.is_staff,
            "reports": queries.reports_of(opp) if viewer.is_staff else [],
            "report_form": ReportForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if getattr(request.user, "person_id", None) is None:
        raise Http404
    opp = _get(request, pk) if pk is not None else None
    if opp is not None and opp.poster_id != request.user.person_id:  # type: ignore[union-attr]
        raise Http404
    form = OpportunityForm(request.POST or None, instance=opp)
    if request.method == "POST" and form.is_valid():
        try:
            if opp is None:
                opp = actions.post(request.user, **form.cleaned_data)
                messages.success(request, _("Votre opportunité est publiée."))
            else:
                actions.update(request.user, opp, **form.cleaned_data)
                messages.success(request, _("Votre opportunité est enregistrée."))
        except actions.OpportunityError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect("opportunities:detail", pk=opp.pk)
    return render(
        request,
        "opportunities/form.html",
        {"form": form, "opp": opp},
        status=400 if request.method == "POST" else 200,
    )


def _done(request: HttpRequest, opp: Opportunity, action: Any, text: str) -> HttpResponse:
    try:
        action()
    except actions.OpportunityError as exc:
        messages.error(request, str(exc.message))
    except OutreachError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, text)
    return redirect("opportunities:detail", pk=opp.pk)


@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    opp = _get(request, pk)
    return _done(
        request, opp, lambda: actions.close(request.user, opp), _("L'opportunité est close.")
    )


@require_POST
def interested(request: HttpRequest, pk: int) -> HttpResponse:
    opp = _get(request, pk)
    raw = request.POST.get("scenario", "")
    pid = getattr(request.user, "person_id", None)
    scenario = None
    if pid is not None and raw.isdigit() and len(raw) < 19:
        scenario = Scenario.objects.filter(pk=int(raw), person_id=pid).first()
    note = request.POST.get("note", "")[:1500]
    return _done(
        request,
        opp,
        lambda: actions.interested(request.user, opp, scenario=scenario, note=note),
        _("Votre intérêt est transmis à l'auteur de l'opportunité, avec votre fiche d'offre."),
    )


@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    opp = _get(request, pk)
    form = ReportForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _done(
        request,
        opp,
        lambda: actions.report(request.user, opp, reason=reason),
        _("Merci : l'équipe de l'association va regarder cette opportunité."),
    )


@require_POST
@staff_required
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    opp = _get(request, pk)
    remove = request.POST.get("do") == "remove"
    return _done(
        request,
        opp,
        lambda: actions.moderate(request.user, opp, remove=remove),
        _("L'opportunité est retirée du tableau.") if remove else _("L'opportunité reste."),
    )


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "opportunities/mine.html",
        {"mine": queries.mine(getattr(request.user, "person_id", None))},
    )


@require_GET
@staff_required
def moderation(request: HttpRequest) -> HttpResponse:
    return render(request, "opportunities/moderation.html", {"reported": queries.reported()})


@require_GET
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The offer sheet sent with « Je suis intéressé(e) »: for the poster (and the docteur,
    and staff), as long as the scenario exists."""
    interest = Interest.objects.select_related("opportunity", "scenario").filter(pk=pk).first()
    viewer = viewer_for(request.user)
    if interest is None or interest.scenario_id is None:
        raise Http404
    allowed = viewer.is_staff or viewer.person_id in (
        interest.person_id,
        interest.opportunity.poster_id,
    )
    if not allowed:
        raise Http404
    data = project_queries.scenario_page(as_person(interest.person_id), interest.scenario_id)
    return render(request, "opportunities/sheet.html", {**data, "interest": interest})


@require_GET
def for_scenario(request: HttpRequest, pk: int) -> HttpResponse:
    """The opportunities that fit one of my scenarios (a part of the scenario's page)."""
    pid = getattr(request.user, "person_id", None)
    if pid is None:
        raise Http404
    scenario = (
        Scenario.objects.filter(pk=pk, person_id=pid)
        .prefetch_related("buyer_organisations")
        .first()
    )
    if scenario is None:
        raise Http404
    fragment = bool(getattr(request, "htmx", False))
    return render(
        request,
        "opportunities/_for_scenario.html" if fragment else "opportunities/for_scenario_page.html",
        {"scenario": scenario, "matches": matching.for_person(pid, scenario=scenario, limit=5)},
    )
