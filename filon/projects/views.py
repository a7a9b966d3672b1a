"""Pages of a member's professional project ("Mon projet"), mounted at /projet/.

Everything is the signed-in member's own: whatever belongs to someone else answers 404, for
staff as for other members (see :mod:`filon.projects.queries`). Reads go through
:mod:`filon.projects.queries` and :mod:`filon.projects.contacts`, writes through
:mod:`filon.projects.actions`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from filon.audit import throttle
from filon.core.taxonomy import by_code, search
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
    meeting_initial,
)
from filon.projects.models import BLOCKS, Hypothesis, Meeting, Scenario


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
    throttle.spend(request.user, "people")  # the ranked contacts name people
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


# Editing and deleting. Deletes ask for confirmation on a page of their own (GET), and happen
# on its POST form: no JavaScript needed, CSRF-protected by the middleware.


def _found(read: Any, viewer: Viewer, pk: int) -> Any:
    try:
        return read(viewer, pk)
    except queries.NotFound:
        raise Http404 from None


def _confirm(
    request: HttpRequest, title: str, what: str, cancel: str, warning: str = ""
) -> HttpResponse:
    return render(
        request,
        "projects/confirm_delete.html",
        {"title": title, "what": what, "cancel_url": cancel, "warning": warning},
    )


def _edit_page(request: HttpRequest, title: str, form: Any, cancel: str) -> HttpResponse:
    return render(
        request, "projects/edit_form.html", {"title": title, "form": form, "cancel_url": cancel}
    )


def _meeting_home(meeting: Meeting) -> str:
    first = meeting.scenarios.order_by("pk").first()
    return reverse("projects:scenario", args=[first.pk]) if first else reverse("projects:home")


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    meeting = _found(queries.meeting_for, viewer, pk)
    scenarios = list(meeting.scenarios.order_by("pk"))
    hypotheses = list(
        Hypothesis.objects.filter(Q(scenario__in=scenarios) | Q(verdicts__meeting=meeting))
        .select_related("scenario")
        .distinct()
    )
    commitments = list(meeting.commitments.all())
    form = MeetingForm(
        request.POST or None,
        initial=meeting_initial(meeting),
        hypotheses=hypotheses,
        note_rows=meeting.notes.count(),
        referral_rows=meeting.referrals.count(),
    )
    back = _meeting_home(meeting)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        contact = None
        if d.get("contact_id"):
            contact = Person.objects.filter(pk=d["contact_id"]).first()
            if contact is not None and not can_find(viewer, contact):
                contact = None
        contact = contact or find_contact(viewer, d["contact_name"])
        # The form edits the first commitment; any further ones (logged elsewhere) are kept.
        first = [(d["commitment"], d["commitment_detail"])] if d["commitment"] else []
        actions.update_meeting(
            request.user,
            meeting,
            actions.MeetingInput(
                contact_name=d["contact_name"],
                contact=contact,
                organisation=d["organisation"],
                date=d["date"],
                format=d["format"],
                goals=d["goals"],
                scenarios=scenarios,
                notes=form.notes(),
                commitments=first + [(c.kind, c.detail) for c in commitments[1:]],
                verdicts=form.verdicts(),
                referrals=[(n, o, find_contact(viewer, n)) for n, o in form.referrals()],
                next_step=d["next_step"],
                next_step_date=d["next_step_date"],
            ),
        )
        messages.success(request, _("Rencontre modifiée."))
        return redirect(back)
    return render(
        request,
        "projects/meeting_form.html",
        {"form": form, "scenario": scenarios[0] if scenarios else None, "meeting": meeting},
    )


@require_http_methods(["GET", "POST"])
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    meeting = _found(queries.meeting_for, viewer, pk)
    back = _meeting_home(meeting)
    if request.method == "POST":
        actions.delete_meeting(request.user, meeting)
        messages.success(request, _("Rencontre supprimée."))
        return redirect(back)
    return _confirm(
        request,
        _("Supprimer la rencontre"),
        str(meeting),
        back,
        _(
            "Ses notes, engagements, verdicts et recommandations seront supprimés ; "
            "l'état des hypothèses sera recalculé sans elle."
        ),
    )


@require_http_methods(["GET", "POST"])
def hypothesis_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    hypothesis = _found(queries.hypothesis_for, viewer, pk)
    back = reverse("projects:scenario", args=[hypothesis.scenario_id])
    form = HypothesisForm(request.POST or None, instance=hypothesis)
    if request.method == "POST" and form.is_valid():
        # The form wrote its values onto the instance: save them through the action.
        actions.update_hypothesis(request.user, hypothesis, form.cleaned_data)
        messages.success(request, _("Hypothèse modifiée."))
        return redirect(back)
    return _edit_page(request, _("Modifier l'hypothèse"), form, back)


@require_http_methods(["GET", "POST"])
def hypothesis_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    hypothesis = _found(queries.hypothesis_for, viewer, pk)
    back = reverse("projects:scenario", args=[hypothesis.scenario_id])
    if request.method == "POST":
        actions.delete_hypothesis(request.user, hypothesis)
        messages.success(request, _("Hypothèse supprimée."))
        return redirect(back)
    return _confirm(
        request,
        _("Supprimer l'hypothèse"),
        hypothesis.statement,
        back,
        _("Les verdicts donnés sur elle seront supprimés ; les rencontres restent."),
    )


def _taxonomy_labels(codes: list[str]) -> str:
    return ", ".join(e.label for code in codes if (e := by_code(code)))


@require_http_methods(["GET", "POST"])
def competence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    competence = _found(queries.competence_for, viewer, pk)
    back = reverse("projects:home")
    initial = {"taxonomy": _taxonomy_labels(competence.rome_codes + competence.esco_uris)}
    form = CompetenceForm(request.POST or None, instance=competence, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        rome: list[str] | None = None
        esco: list[str] | None = None
        if "taxonomy" in form.changed_data:  # otherwise the codes stay exactly as they were
            tags = [found[0] for t in d["taxonomy"].split(",") if (found := search(t, limit=1))]
            rome = [e.code for e in tags if e.scheme == "rome"]
            esco = [e.code for e in tags if e.scheme == "esco"]
        actions.update_competence(
            request.user,
            competence,
            d["statement"],
            evidence=d["evidence"],
            blocks=d["blocks"],
            rome_codes=rome,
            esco_uris=esco,
        )
        messages.success(request, _("Compétence modifiée."))
        return redirect(back)
    return _edit_page(request, _("Modifier la compétence"), form, back)


@require_http_methods(["GET", "POST"])
def competence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    competence = _found(queries.competence_for, viewer, pk)
    if request.method == "POST":
        actions.delete_competence(request.user, competence)
        messages.success(request, _("Compétence supprimée."))
        return redirect("projects:home")
    return _confirm(
        request, _("Supprimer la compétence"), competence.statement, reverse("projects:home")
    )


@require_http_methods(["GET", "POST"])
def desire_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    desire = _found(queries.desire_for, viewer, pk)
    form = DesireForm(request.POST or None, instance=desire)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        actions.update_desire(request.user, desire, d["kind"], d["text"], d["weight"])
        messages.success(request, _("Envie modifiée."))
        return redirect("projects:home")
    return _edit_page(request, _("Modifier l'envie"), form, reverse("projects:home"))


@require_http_methods(["GET", "POST"])
def desire_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    desire = _found(queries.desire_for, viewer, pk)
    if request.method == "POST":
        actions.delete_desire(request.user, desire)
        messages.success(request, _("Envie supprimée."))
        return redirect("projects:home")
    return _confirm(request, _("Supprimer l'envie"), desire.text, reverse("projects:home"))


@require_http_methods(["GET", "POST"])
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    scen = _get(viewer, pk)
    if request.method == "POST":
        if actions.delete_scenario(request.user, scen) == "archived":
            messages.success(request, _("Scénario archivé (mis de côté) : ses rencontres restent."))
            return redirect("projects:scenario", pk)
        messages.success(request, _("Scénario supprimé."))
        return redirect("projects:home")
    warning = (
        _(
            "Des rencontres ont été notées pour ce scénario : il sera archivé (mis de côté) "
            "et non supprimé, pour garder ces rencontres."
        )
        if scen.meetings.exists()
        else _("Ses hypothèses seront supprimées.")
    )
    return _confirm(
        request,
        _("Supprimer le scénario"),
        scen.title,
        reverse("projects:scenario", args=[pk]),
        warning,
    )
