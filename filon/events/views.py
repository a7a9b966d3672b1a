"""Pages of the association's events: list, detail, registration, attendance, "whom I met"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from filon.directory.privacy import is_staff, viewer_for
from filon.events import actions, queries
from filon.events.forms import EventForm
from filon.events.models import Event


def _staff(request: HttpRequest) -> None:
    if not is_staff(request.user):
        raise PermissionDenied


def _event_or_404(pk: int) -> Event:
    event = queries.event_for(pk)
    if event is None:
        raise Http404(_("Événement introuvable."))
    return event


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    upcoming = list(queries.upcoming())
    for event in upcoming:
        event.places_left = queries.places_left(event)  # type: ignore[attr-defined]
    return render(
        request,
        "events/list.html",
        {
            "upcoming": upcoming,
            "past": queries.past(),
            "is_staff": is_staff(request.user),
        },
    )


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(pk)
    person_id = getattr(request.user, "person_id", None)
    staff = is_staff(request.user)
    context: dict[str, Any] = {
        "event": event,
        "places_left": queries.places_left(event),
        "registration": queries.registration_of(event, person_id),
        "attendance": queries.attended(event, person_id),
        "has_person": person_id is not None,
        "is_staff": staff,
    }
    if staff:
        context["roster"] = queries.roster(event)
    return render(request, "events/detail.html", context)


@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event = actions.create_event(request.user, **form.cleaned_data)
        messages.success(request, _("L'événement est créé."))
        return redirect("events:detail", pk=event.pk)
    return render(
        request, "events/form.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    event = _event_or_404(pk)
    form = EventForm(request.POST or None, instance=Event.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        actions.update_event(request.user, Event.objects.get(pk=pk), **form.cleaned_data)
        messages.success(request, _("L'événement est enregistré."))
        return redirect("events:detail", pk=event.pk)
    return render(
        request,
        "events/form.html",
        {"form": form, "event": event},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(pk)
    try:
        actions.register(request.user, event)
    except actions.EventError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Vous êtes inscrit."))
    return redirect("events:detail", pk=event.pk)


@require_POST
def unregister(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(pk)
    try:
        actions.cancel_registration(request.user, event)
    except actions.EventError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Votre inscription est annulée."))
    return redirect("events:detail", pk=event.pk)


@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    event = _event_or_404(pk)
    present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
    try:
        counts = actions.mark_attendance(request.user, event, present)
    except actions.EventError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Présences enregistrées : %(added)d ajoutée(s), %(removed)d retirée(s).") % counts,
        )
    return redirect("events:detail", pk=event.pk)


@require_http_methods(["GET", "POST"])
def met(request: HttpRequest, pk: int) -> HttpResponse:
    """An attendee ticks whom they met: each becomes a tie in the network."""
    event = _event_or_404(pk)
    viewer = viewer_for(request.user)
    attendance = queries.attended(event, viewer.person_id)
    if attendance is None:
        raise Http404(_("Vous n'êtes pas noté présent à cet événement."))
    others = queries.fellow_attendees(viewer, event)
    if request.method == "POST":
        allowed = {p.pk for p in others}
        chosen = [int(v) for v in request.POST.getlist("met") if v.isdigit() and int(v) in allowed]
        created = actions.log_met(request.user, event, chosen)
        messages.success(
            request, _("Merci ! %(n)d nouvelle(s) relation(s) dans votre réseau.") % {"n": created}
        )
        return redirect("events:detail", pk=event.pk)
    return render(
        request, "events/met.html", {"event": event, "others": others, "attendance": attendance}
    )
