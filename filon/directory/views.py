"""Pages of the directory: profiles, contact reveals, one's own profile and personal data.

Every rule about who sees what lives in :mod:`filon.directory.privacy`; the views only ask it.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from filon.audit import throttle
from filon.directory import actions
from filon.directory.forms import ContactFormSet, ErasureForm, ProfileForm
from filon.directory.models import ContactPoint, Person
from filon.directory.privacy import (
    Viewer,
    can_erase,
    can_erase_for_others,
    can_export_for_others,
    is_owner,
    private_sections,
    reveal_counts_towards_limit,
    viewer_for,
)
from filon.directory.queries import (
    contact_data,
    contact_outlook,
    find_person,
    profile_data,
    revealer_name,
    reveals_of,
    reveals_today,
)

VIEWERS_PER_PAGE = 50


def _person_or_404(viewer: Viewer, pk: int) -> Person:
    person = find_person(viewer, pk)
    if person is None:
        # The same answer whether the person is missing or hidden from this viewer.
        raise Http404(_("Personne introuvable."))
    return person


def _own_person_or_404(request: HttpRequest) -> Person:
    person_id = getattr(request.user, "person_id", None)
    if person_id is None:
        raise Http404(_("Votre compte n'est relié à aucune fiche de l'annuaire."))
    return _person_or_404(viewer_for(request.user), person_id)


def _contacts_context(
    request: HttpRequest, viewer: Viewer, person: Person, **extra: Any
) -> dict[str, Any]:
    counts = reveal_counts_towards_limit(viewer, person)
    used = reveals_today(viewer.user_id) if counts and viewer.user_id else 0
    return {
        "person": person,
        "outlook": contact_outlook(viewer, person),
        "reveals_left": max(settings.REVEALS_PER_DAY - used, 0) if counts else None,
        "reveals_limit": settings.REVEALS_PER_DAY,
        "reveal_url": reverse("directory:reveal", args=[person.pk]),
        **extra,
    }


def _render_profile(
    request: HttpRequest, viewer: Viewer, person: Person, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {
        "person": person,
        "profile": profile_data(viewer, person),
        "is_owner": is_owner(viewer, person),
        "can_erase": can_erase_for_others(viewer, person),
        "can_export": can_export_for_others(viewer, person),
        "private_sections": private_sections(viewer, person),
        **_contacts_context(request, viewer, person, **extra),
    }
    return render(request, "directory/profile.html", context, status=status)


@require_GET
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    if pk != viewer.person_id:  # one's own profile is not scraping
        throttle.spend(request.user, "people")
    return _render_profile(request, viewer, _person_or_404(viewer, pk))


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The explicit "show the contact details" action: logged, and limited per day."""
    viewer = viewer_for(request.user)
    person = _person_or_404(viewer, pk)
    status = 200
    extra: dict[str, Any]
    try:
        contacts: list[ContactPoint] = actions.reveal_contacts(
            request.user, person, ip=_client_ip(request)
        )
        extra = {"contacts": contact_data(contacts), "revealed": True}
    except actions.RevealLimitReached as exc:
        status = 429
        extra = {"reveal_error": exc.message}
    if getattr(request, "htmx", False):
        context = _contacts_context(request, viewer, person, **extra)
        return render(request, "directory/_contacts.html", context, status=status)
    return _render_profile(request, viewer, person, status=status, **extra)


@require_GET
def viewers(request: HttpRequest) -> HttpResponse:
    """Who revealed my contact details, and when."""
    person = _own_person_or_404(request)
    page = Paginator(reveals_of(person), VIEWERS_PER_PAGE).get_page(request.GET.get("page"))
    viewer = viewer_for(request.user)
    rows = []
    for reveal in page.object_list:
        revealer = reveal.viewer.person if reveal.viewer is not None else None
        rows.append(
            {
                "name": revealer_name(reveal),
                "at": reveal.at,
                "person_id": revealer.pk
                if revealer is not None and find_person(viewer, revealer.pk) is not None
                else None,
            }
        )
    return render(request, "directory/viewers.html", {"person": person, "page": page, "rows": rows})


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest) -> HttpResponse:
    """The member's own profile: identity, visibility of each part, contact points, opt-outs."""
    person = _own_person_or_404(request)
    form = ProfileForm(request.POST or None, instance=person)
    formset = ContactFormSet(request.POST or None, instance=person, prefix="contacts")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        to_save = formset.save(commit=False)
        actions.update_profile(
            request.user,
            Person.objects.get(pk=person.pk),
            fields={name: form.cleaned_data[name] for name in actions.PROFILE_FIELDS},
            visibility=form.visibility(),
            directory_opt_out=form.cleaned_data["directory_opt_out"],
            intermediary_opt_out=form.cleaned_data["intermediary_opt_out"],
            contacts_to_save=list(to_save),
            contacts_to_delete=list(formset.deleted_objects),
        )
        messages.success(request, _("Votre profil est enregistré."))
        return redirect("directory:profile", pk=person.pk)
    return render(
        request,
        "directory/edit.html",
        {"person": person, "form": form, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """GDPR: everything Filon holds about the signed-in member, as a JSON download."""
    data = actions.export_personal_data(request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="filon-mes-donnees-{stamp}.json"'
    return response


def _erase(request: HttpRequest, person: Person) -> HttpResponse:
    viewer = viewer_for(request.user)
    own = is_owner(viewer, person)
    form = ErasureForm(request.POST or None, expected=person.full_name)
    if request.method == "POST" and form.is_valid():
        actions.erase_person(request.user, person)
        if own:
            logout(request)
            messages.success(request, _("Vos données personnelles ont été effacées."))
            return redirect("login")
        messages.success(request, _("Les données personnelles de la fiche ont été effacées."))
        return redirect("home")
    return render(
        request,
        "directory/erase.html",
        {"person": person, "form": form, "own": own},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def erase_own(request: HttpRequest) -> HttpResponse:
    return _erase(request, _own_person_or_404(request))


@require_http_methods(["GET", "POST"])
def erase_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Erasure carried out by the staff (or by the person themself)."""
    viewer = viewer_for(request.user)
    person = _person_or_404(viewer, pk)
    if not can_erase(viewer, person):
        raise Http404(_("Personne introuvable."))
    return _erase(request, person)
