"""Pages of a member's professional project ("Mon projet"), mounted at /projet/.

Everything is the signed-in member's own: whatever belongs to someone else answers 404, for
staff as for other members (see :mod:`filon.projects.queries`). Reads go through
:mod:`filon.projects.queries` and :mod:`filon.projects.contacts`, writes through
:mod:`filon.projects.actions`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from filon.core.taxonomy import search
from filon.core.text import fold
from filon.directory.models import Person
from filon.directory.privacy import Viewer, can_find, viewer_for
from filon.network.queries import find_organisations
from filon.orgs.models import Organisation
from filon.projects import actions, contacts, queries
from filon.projects.forms import (
    CompetenceForm,
    DesireForm,
    HypothesisForm,
    MeetingForm,
    ScenarioForm,
)
from filon.projects.models import BLOCKS, Scenario


def _viewer(request: HttpRequest) -> Viewer:
    viewer = viewer_for(request.user)
    if viewer.person_id is None:
        raise Http404
    return viewer


def _orgs(text: str) -> list[Organisation]:
    out: dict[int, Organisation] = {}
    for name in text.split(","):
        found = find_organisations(name.strip(), limit=1) if name.strip() else []
        for o in found:
            out[o.pk] = o
    return list(out.values())


def find_contact(viewer: Viewer, name: str) -> Person | None:
    """The directory person of that exact name, if only one the viewer may find bears it."""
    folded = fold(name).strip()
    if not folded:
        return None
    found = [p for p in Person.objects.filter(name_folded=folded)[:2] if can_find(viewer, p)]
    return found[0] if len(found) == 1 else None


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    competence_form = CompetenceForm(prefix="c")
    desire_form = DesireForm(prefix="d")
    if request.method == "POST":
        if "c-statement" in request.POST:
            competence_form = CompetenceForm(request.POST, prefix="c")
            if competence_form.is_valid():
                d = competence_form.cleaned_data
                tags = [found[0] for t in d["taxonomy"].split(",") if (found := search(t, limit=1))]
                actions.add_competence(
                    request.user,
                    d["statement"],
                    evidence=d["evidence"],
                    blocks=d["blocks"],
                    rome_codes=[e.code for e in tags if e.scheme == "rome"],
                    esco_uris=[e.code for e in tags if e.scheme == "esco"],
                )
                return redirect("projects:home")
        else:
            desire_form = DesireForm(request.POST, prefix="d")
            if desire_form.is_valid():
                d = desire_form.cleaned_data
                actions.add_desire(request.user, d["kind"], d["text"], d["weight"])
                return redirect("projects:home")
    data = queries.my_project(viewer)
    return render(
        request,
        "projects/home.html",
        {**data, "competence_form": competence_form, "desire_form": desire_form, "blocks": BLOCKS},
    )


def _scenario_values(form: ScenarioForm) -> dict[str, Any]:
    d = dict(form.cleaned_data)
    d["nace_codes"] = [c.strip() for c in d.pop("nace", "").split(",") if c.strip()]
    return d


@require_http_methods(["GET", "POST"])
def scenario_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    viewer = _viewer(request)
    scenario = _get(viewer, pk) if pk else None
    if request.method == "POST":
        form = ScenarioForm(request.POST, instance=scenario)
        if form.is_valid():
            s = actions.save_scenario(
                request.user,
                _scenario_values(form),
                scenario=scenario,
                buyers=_orgs(form.cleaned_data["buyers"]),
                funders=_orgs(form.cleaned_data["funder_names"]),
            )
            return redirect("projects:scenario", s.pk)
    else:
        initial = {}
        if scenario is not None:
            initial = {
                "nace": ", ".join(scenario.nace_codes),
                "buyers": ", ".join(o.name for o in scenario.buyer_organisations.all()),
                "funder_names": ", ".join(o.name for o in scenario.funders.all()),
            }
        form = ScenarioForm(instance=scenario, initial=initial)
    return render(request, "projects/scenario_form.html", {"form": form, "scenario": scenario})


def _get(viewer: Viewer, pk: int) -> Scenario:
    try:
        return queries.scenario_for(viewer, pk)
    except queries.NotFound:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
def scenario(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        data = queries.scenario_page(viewer, pk)
    except queries.NotFound:
        raise Http404 from None
    form = HypothesisForm(prefix="h")
    if request.method == "POST":
        form = HypothesisForm(request.POST, prefix="h")
        if form.is_valid():
            d = form.cleaned_data
            actions.add_hypothesis(
                request.user,
                data["scenario"],
                d["dimension"],
                d["statement"],
                d["criterion"],
                d["criticality"],
            )
            messages.success(request, _("Hypothèse ajoutée."))
            return redirect("projects:scenario", pk)
    targeted = contacts.targeted_contacts(viewer, pk, top=20)
    return render(
        request,
        "projects/scenario.html",
        {
            **data,
            "hypothesis_form": form,
            "targeted": targeted,
            "part_labels": contacts.PART_LABELS,
        },
    )


@require_GET
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        data = queries.scenario_page(viewer, pk)
    except queries.NotFound:
        raise Http404 from None
    return render(request, "projects/sheet.html", data)


@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    scen = _get(viewer, pk)
    hypotheses = list(scen.hypotheses.all())
    initial: dict[str, Any] = {}
    person_id = request.GET.get("person")
    if person_id and person_id.isdigit():
        person = Person.objects.filter(pk=int(person_id)).first()
        if person is not None and can_find(viewer, person):
            initial = {"contact_id": person.pk, "contact_name": person.full_name}
    form = MeetingForm(request.POST or None, initial=initial, hypotheses=hypotheses)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        contact = None
        if d.get("contact_id"):
            contact = Person.objects.filter(pk=d["contact_id"]).first()
            if contact is not None and not can_find(viewer, contact):
                contact = None
        contact = contact or find_contact(viewer, d["contact_name"])
        actions.log_meeting(
            request.user,
            actions.MeetingInput(
                contact_name=d["contact_name"],
                contact=contact,
                organisation=d["organisation"],
                date=d["date"],
                format=d["format"],
                goals=d["goals"],
                scenarios=[scen],
                notes=form.notes(),
                commitments=[(d["commitment"], d["commitment_detail"])] if d["commitment"] else [],
                verdicts=form.verdicts(),
                referrals=[(n, o, find_contact(viewer, n)) for n, o in form.referrals()],
                next_step=d["next_step"],
                next_step_date=d["next_step_date"],
            ),
        )
        messages.success(request, _("Rencontre enregistrée."))
        return redirect("projects:scenario", pk)
    return render(request, "projects/meeting_form.html", {"form": form, "scenario": scen})


@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        meeting = queries.meeting_for(viewer, pk)
    except queries.NotFound:
        raise Http404 from None
    actions.follow_up_done(request.user, meeting)
    return redirect("projects:home")
