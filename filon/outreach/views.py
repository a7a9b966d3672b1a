"""Pages of the outreach app: the feed, asks and offers, contact requests, introductions,
one's exchanges and help ledger — and the one page open without a session, the one-click
answer from an e-mail.

Reads go through :mod:`filon.outreach.queries` and :mod:`filon.outreach.matching`, writes
through :mod:`filon.outreach.actions`. Whatever a viewer may not see answers 404, the same as
what does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from filon.directory.models import Person
from filon.directory.privacy import (
    Viewer,
    can_introduce_through,
    intermediaries,
    viewer_for,
)
from filon.directory.queries import find_person
from filon.network.models import Tie
from filon.outreach import actions, links, matching, queries
from filon.outreach.forms import (
    AnswerForm,
    AskForm,
    ContactRequestForm,
    IntroductionForm,
    LedgerForm,
    MeetingForm,
    OfferForm,
    ThanksForm,
)
from filon.outreach.models import (
    Answer,
    Ask,
    AskKind,
    AskStatus,
    ContactRequest,
    Introduction,
    IntroStatus,
    LinkPurpose,
    Offer,
    OfferKind,
    RequestStatus,
)
from filon.outreach.wording import first_message

PER_PAGE = 20


def _viewer(request: HttpRequest) -> Viewer:
    return viewer_for(request.user)


def _me(request: HttpRequest) -> Person:
    """The signed-in member's person; pages that act for a member need one."""
    person_id = getattr(request.user, "person_id", None)
    person = Person.objects.filter(pk=person_id).first() if person_id else None
    if person is None:
        raise Http404(_("Votre compte n'est relié à aucune fiche de l'annuaire."))
    return person


def _tags(form: Any) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "sectors": data["sectors"],
        "organisations": data["organisations"],
        "skills": data["skills"],
    }


def _say_what_was_matched(request: HttpRequest, form: Any) -> None:
    """Tell the member which organisations the directory recognised and which it does not
    know yet (kept as written)."""
    values = form.cleaned_data["organisations"]
    known = [v.name for v in values if not isinstance(v, str)]
    others = [v for v in values if isinstance(v, str)]
    if known:
        messages.info(
            request, _("Reconnues dans l'annuaire : %(names)s.") % {"names": ", ".join(known)}
        )
    if others:
        messages.info(
            request,
            _("Pas encore dans l'annuaire : %(names)s (gardées telles quelles).")
            % {"names": ", ".join(others)},
        )


# -- the feed --------------------------------------------------------------------------------


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """What members look for and what they offer; what the member could help with."""
    tab = request.GET.get("voir", "demandes")
    kind = request.GET.get("type", "")
    asks = queries.open_asks(request.user)
    offers = queries.active_offers(request.user)
    if kind in AskKind.values:
        asks = asks.filter(kind=kind)
    if kind in OfferKind.values:
        offers = offers.filter(kind=kind)
    items = offers if tab == "offres" else asks
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    person_id = getattr(request.user, "person_id", None)
    for_me: list[matching.Suggestion] = []
    if person_id is not None and tab != "offres":
        person = Person.objects.filter(pk=person_id).first()
        if person is not None:
            for_me = matching.asks_for_member(request.user, person, limit=3)
    return render(
        request,
        "outreach/feed.html",
        {
            "tab": "offres" if tab == "offres" else "demandes",
            "kind": kind,
            "page": page,
            "ask_kinds": AskKind.choices,
            "offer_kinds": OfferKind.choices,
            "for_me": for_me,
            "has_person": person_id is not None,
        },
    )


# -- asks ----------------------------------------------------------------------------------


def _ask_or_404(request: HttpRequest, pk: int) -> Ask:
    ask = queries.ask_for(request.user, pk)
    if ask is None:
        raise Http404(_("Demande introuvable."))
    return ask


@require_http_methods(["GET", "POST"])
def ask_new(request: HttpRequest) -> HttpResponse:
    _me(request)
    form = AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ask = actions.post_ask(
            request.user,
            kind=data["kind"],
            title=data["title"],
            text=data["text"],
            deadline=data["deadline"],
            **_tags(form),
        )
        messages.success(request, _("Votre demande est publiée."))
        _say_what_was_matched(request, form)
        return redirect("outreach:ask_detail", pk=ask.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "outreach/ask_form.html", {"form": form}, status=status)


@require_GET
def ask_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ask = _ask_or_404(request, pk)
    viewer = _viewer(request)
    own = ask.person_id == viewer.person_id
    context: dict[str, Any] = {"ask": ask, "own": own}
    if own:
        context["offers"] = matching.offers_for_ask(request.user, ask)
        context["people"] = matching.best_placed(viewer, ask)
    return render(request, "outreach/ask_detail.html", context)


@require_http_methods(["GET", "POST"])
def ask_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ask = _ask_or_404(request, pk)
    if ask.person_id != getattr(request.user, "person_id", None):
        raise Http404(_("Demande introuvable."))
    form = AskForm.for_ask(ask, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.update_ask(
            request.user,
            ask,
            kind=data["kind"],
            title=data["title"],
            text=data["text"],
            deadline=data["deadline"],
            **_tags(form),
        )
        messages.success(request, _("Votre demande est enregistrée."))
        _say_what_was_matched(request, form)
        return redirect("outreach:ask_detail", pk=ask.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "outreach/ask_form.html", {"form": form, "ask": ask}, status=status)


@require_POST
def ask_status(request: HttpRequest, pk: int) -> HttpResponse:
    ask = _ask_or_404(request, pk)
    status = request.POST.get("status", "")
    if ask.person_id != getattr(request.user, "person_id", None) or status not in AskStatus.values:
        raise Http404(_("Demande introuvable."))
    actions.set_ask_status(request.user, ask, status)
    messages.success(request, _("C'est noté."))
    return redirect("outreach:ask_detail", pk=ask.pk)


# -- offers --------------------------------------------------------------------------------


def _offer_or_404(request: HttpRequest, pk: int) -> Offer:
    offer = queries.offer_for(request.user, pk)
    if offer is None:
        raise Http404(_("Offre introuvable."))
    return offer


@require_http_methods(["GET", "POST"])
def offer_new(request: HttpRequest) -> HttpResponse:
    _me(request)
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        offer = actions.post_offer(
            request.user,
            kind=data["kind"],
            title=data["title"],
            text=data["text"],
            capacity_per_month=data["capacity_per_month"],
            **_tags(form),
        )
        messages.success(request, _("Votre offre d'aide est publiée. Merci !"))
        _say_what_was_matched(request, form)
        return redirect("outreach:offer_detail", pk=offer.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "outreach/offer_form.html", {"form": form}, status=status)


@require_GET
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer_or_404(request, pk)
    own = offer.person_id == getattr(request.user, "person_id", None)
    context: dict[str, Any] = {"offer": offer, "own": own}
    if own:
        context["asks"] = matching.asks_for_offer(request.user, offer)
    return render(request, "outreach/offer_detail.html", context)


@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer_or_404(request, pk)
    if offer.person_id != getattr(request.user, "person_id", None):
        raise Http404(_("Offre introuvable."))
    form = OfferForm.for_offer(offer, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.update_offer(
            request.user,
            offer,
            kind=data["kind"],
            title=data["title"],
            text=data["text"],
            capacity_per_month=data["capacity_per_month"],
            **_tags(form),
        )
        messages.success(request, _("Votre offre d'aide est enregistrée."))
        _say_what_was_matched(request, form)
        return redirect("outreach:offer_detail", pk=offer.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "outreach/offer_form.html", {"form": form, "offer": offer}, status=status
    )


@require_POST
def offer_status(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer_or_404(request, pk)
    if offer.person_id != getattr(request.user, "person_id", None):
        raise Http404(_("Offre introuvable."))
    actions.update_offer(request.user, offer, is_active=request.POST.get("active") == "1")
    messages.success(request, _("C'est noté."))
    return redirect("outreach:offer_detail", pk=offer.pk)


# -- contact requests ------------------------------------------------------------------------


def _findable_or_404(request: HttpRequest, pk: int) -> Person:
    person = find_person(_viewer(request), pk)
    if person is None:
        raise Http404(_("Personne introuvable."))
    return person


def _optional(model: Any, request: HttpRequest, value: Any) -> Any:
    """An ask or offer named in a form or link, if the viewer may see it (else ignored)."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return (
        queries.ask_for(request.user, pk) if model is Ask else queries.offer_for(request.user, pk)
    )


@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Write to a member through Filon, with a first message pre-filled in their language."""
    me = _me(request)
    recipient = _findable_or_404(request, person_pk)
    if recipient.pk == me.pk:
        raise Http404(_("Personne introuvable."))
    ask = _optional(Ask, request, request.GET.get("demande") or request.POST.get("ask"))
    offer = _optional(Offer, request, request.GET.get("offre"))
    text, language = first_message(me, recipient, ask=ask, offer=offer)
    form = ContactRequestForm(
        request.POST or None,
        initial={"message": text, "language": language, "ask": ask.pk if ask else None},
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            sent = actions.send_contact_request(
                request.user,
                recipient,
                message=form.cleaned_data["message"],
                language=form.cleaned_data["language"],
                ask=ask,
            )
        except actions.NotAllowed:
            raise Http404(_("Personne introuvable.")) from None
        except actions.OutreachError as exc:
            error = str(exc.message)
        else:
            messages.success(
                request,
                _("Votre message est envoyé à %(name)s. Vous serez prévenu de sa réponse.")
                % {"name": recipient.full_name},
            )
            return redirect("outreach:contact_detail", pk=sent.pk)
    return render(
        request,
        "outreach/contact_form.html",
        {
            "form": form,
            "recipient": recipient,
            "ask": ask,
            "offer": offer,
            "error": error,
            "language": language,
        },
        status=400 if request.method == "POST" else 200,
    )


def _contact_or_404(request: HttpRequest, pk: int) -> ContactRequest:
    found = queries.contact_request_for(_viewer(request), pk)
    if found is None:
        raise Http404(_("Demande introuvable."))
    actions.expire_if_due(found)
    return found


@require_GET
@never_cache
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _contact_or_404(request, pk)
    viewer = _viewer(request)
    return render(
        request,
        "outreach/contact_detail.html",
        {
            "obj": obj,
            "role": queries.role_in(viewer, obj),
            "shared": queries.shared_contact(viewer, obj),
            "answers": Answer.choices,
            "meeting_form": MeetingForm(),
            "thanks_form": ThanksForm(),
        },
    )


@require_POST
def contact_answer(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _contact_or_404(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        actions.answer_contact_request(obj, form.cleaned_data["answer"], user=request.user)
    except actions.NotAllowed:
        raise Http404(_("Demande introuvable.")) from None
    except actions.OutreachError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _ANSWERED[form.cleaned_data["answer"]])
    return redirect("outreach:contact_detail", pk=obj.pk)


@require_POST
def contact_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _contact_or_404(request, pk)
    try:
        actions.withdraw_contact_request(request.user, obj)
    except actions.NotAllowed:
        raise Http404(_("Demande introuvable.")) from None
    except actions.OutreachError as exc:
        messages.error(request, str(exc.message))
    return redirect("outreach:contact_detail", pk=obj.pk)


def _follow(request: HttpRequest, obj: ContactRequest | Introduction) -> None:
    """Log the meeting, or thank the helper (the requester only, once put in touch)."""
    try:
        if request.POST.get("what") == "thanks":
            form: Any = ThanksForm(request.POST)
            if form.is_valid():
                actions.thank_helper(request.user, obj, message=form.cleaned_data["message"])
                messages.success(request, _("Vos remerciements sont envoyés."))
                return
        else:
            form = MeetingForm(request.POST)
            if form.is_valid():
                actions.log_meeting(
                    request.user,
                    obj,
                    met_on=form.cleaned_data["met_on"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("La rencontre est notée."))
                return
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    except actions.NotAllowed:
        raise Http404 from None
    except actions.OutreachError as exc:
        messages.error(request, str(exc.message))


@require_POST
def contact_follow(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _contact_or_404(request, pk)
    _follow(request, obj)
    return redirect("outreach:contact_detail", pk=obj.pk)


_ANSWERED = {
    Answer.ACCEPT: gettext_lazy("C'est accepté : vous pouvez maintenant vous écrire."),
    Answer.DECLINE: gettext_lazy("C'est noté : la demande est déclinée."),
    Answer.LATER: gettext_lazy("C'est noté : nous vous la représenterons plus tard."),
}


# -- introductions ---------------------------------------------------------------------------


def _connector_choices(request: HttpRequest, me: Person, target: Person) -> list[dict[str, Any]]:
    """People who could introduce the member: their own ties first, then a name search."""
    viewer = _viewer(request)
    ties = Tie.objects.filter(Q(source_person=me) | Q(target_person=me)).select_related(
        "source_person", "target_person"
    )
    seen: dict[int, dict[str, Any]] = {}
    # The network graph's best introduction paths first: the first person on each.
    for path in matching.introduction_paths(viewer, target.pk, k=3):
        other = Person.objects.filter(pk=path["connector_id"]).first()
        if other is not None and can_introduce_through(viewer, other):
            seen.setdefault(other.pk, {"person": other, "why": path["why"], "route": path["route"]})
    for tie in ties[:200]:
        other = tie.target_person if tie.source_person_id == me.pk else tie.source_person
        if other.pk != target.pk and can_introduce_through(viewer, other):
            seen.setdefault(other.pk, {"person": other, "why": tie.get_kind_display()})
    query = (request.GET.get("q") or "").strip()[:100]
    results: list[dict[str, Any]] = []
    if query:
        from filon.audit import throttle
        from filon.directory.search import SearchParams, search

        if throttle.allowed(request.user, "people"):
            page = search(viewer, SearchParams(query=query), per_page=10)
            ids = [row.id for row in page.results if row.id not in (me.pk, target.pk)]
            people = {p.pk: p for p in intermediaries(viewer).filter(pk__in=ids)}
            results = [
                {"person": people[row.id], "why": " ".join(row.promos)}
                for row in page.results
                if row.id in people
            ]
    return [*results, *seen.values()]


@require_http_methods(["GET", "POST"])
def intro_new(request: HttpRequest, target_pk: int) -> HttpResponse:
    """Ask someone to introduce the member to ``target``."""
    me = _me(request)
    target = _findable_or_404(request, target_pk)
    if target.pk == me.pk:
        raise Http404(_("Personne introuvable."))
    ask = _optional(Ask, request, request.GET.get("demande") or request.POST.get("ask"))
    initial: dict[str, Any] = {"ask": ask.pk if ask and ask.person_id == me.pk else None}
    if request.GET.get("par"):
        initial["connector"] = request.GET.get("par")
    form = IntroductionForm(request.POST or None, initial=initial)
    choices = _connector_choices(request, me, target)
    chosen = None
    connector_id = request.POST.get("connector") or initial.get("connector")
    if connector_id and str(connector_id).isdigit():
        chosen = find_person(_viewer(request), int(connector_id))
        if chosen is not None and chosen.pk not in {c["person"].pk for c in choices}:
            choices.insert(0, {"person": chosen, "why": ""})
    error = None
    if request.method == "POST" and form.is_valid():
        if chosen is None:
            error = _("Choisissez qui peut vous présenter.")
        else:
            try:
                intro = actions.request_introduction(
                    request.user,
                    connector=chosen,
                    target=target,
                    reason=form.cleaned_data["reason"],
                    ask=ask if ask and ask.person_id == me.pk else None,
                )
            except actions.NotAllowed:
                error = _("Cette mise en relation n'est pas possible.")
            except actions.OutreachError as exc:
                error = str(exc.message)
            else:
                messages.success(
                    request,
                    _("Votre demande est envoyée à %(name)s.") % {"name": chosen.full_name},
                )
                return redirect("outreach:intro_detail", pk=intro.pk)
    return render(
        request,
        "outreach/intro_form.html",
        {
            "form": form,
            "target": target,
            "choices": choices,
            "chosen": chosen,
            "query": request.GET.get("q", ""),
            "ask": ask,
            "error": error,
        },
        status=400 if request.method == "POST" else 200,
    )


def _intro_or_404(request: HttpRequest, pk: int) -> Introduction:
    found = queries.introduction_for(_viewer(request), pk)
    if found is None:
        raise Http404(_("Mise en relation introuvable."))
    actions.expire_if_due(found)
    return found


@require_GET
@never_cache
def intro_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _intro_or_404(request, pk)
    viewer = _viewer(request)
    role = queries.role_in(viewer, obj)
    return render(
        request,
        "outreach/intro_detail.html",
        {
            "obj": obj,
            "role": role,
            "awaits_me": obj.awaiting() is not None and obj.awaiting() == viewer.person_id,
            "shared": queries.shared_contact(viewer, obj),
            "answers": Answer.choices,
            "meeting_form": MeetingForm(),
            "thanks_form": ThanksForm(),
            "statuses": IntroStatus,
        },
    )


@require_POST
def intro_answer(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _intro_or_404(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        actions.answer_introduction(
            obj, form.cleaned_data["answer"], user=request.user, note=form.cleaned_data["note"]
        )
    except actions.NotAllowed:
        raise Http404(_("Mise en relation introuvable.")) from None
    except actions.OutreachError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _INTRO_ANSWERED[form.cleaned_data["answer"]])
    return redirect("outreach:intro_detail", pk=obj.pk)


_INTRO_ANSWERED = {
    Answer.ACCEPT: gettext_lazy("Merci ! C'est accepté."),
    Answer.DECLINE: gettext_lazy("C'est noté : la demande est déclinée."),
    Answer.LATER: gettext_lazy("C'est noté : nous vous la représenterons plus tard."),
}


@require_POST
def intro_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _intro_or_404(request, pk)
    try:
        actions.withdraw_introduction(request.user, obj)
    except actions.NotAllowed:
        raise Http404(_("Mise en relation introuvable.")) from None
    except actions.OutreachError as exc:
        messages.error(request, str(exc.message))
    return redirect("outreach:intro_detail", pk=obj.pk)


@require_POST
def intro_follow(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _intro_or_404(request, pk)
    _follow(request, obj)
    return redirect("outreach:intro_detail", pk=obj.pk)


# -- one's exchanges and ledger ------------------------------------------------------------


@require_GET
@never_cache
def home_panel(request: HttpRequest) -> HttpResponse:
    """The home page's outreach panel: a fragment for htmx, a page of its own without JS."""
    from filon.outreach.templatetags.outreach import home_context

    template = (
        "outreach/_home.html" if getattr(request, "htmx", False) else "outreach/home_panel.html"
    )
    return render(request, template, home_context(request))


@require_GET
@never_cache
def exchanges(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    return render(
        request,
        "outreach/exchanges.html",
        {
            "requests": queries.contact_requests_of(me.pk),
            "intros": queries.introductions_of(me.pk),
            "follow_ups": queries.follow_ups(me.pk),
            "my_asks": Ask.objects.filter(person=me).order_by("-created_at")[:20],
            "my_offers": Offer.objects.filter(person=me).order_by("-created_at")[:20],
        },
    )


@require_http_methods(["GET", "POST"])
def ledger(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    data = queries.ledger_of(me)
    form = LedgerForm(request.POST or None, initial={"show_counts": data["show_counts"]})
    if request.method == "POST" and form.is_valid():
        actions.set_show_help_counts(request.user, form.cleaned_data["show_counts"])
        messages.success(request, _("C'est enregistré."))
        return redirect("outreach:ledger")
    return render(request, "outreach/ledger.html", {**data, "form": form, "person": me})


# -- the one-click answer from an e-mail (no session needed) --------------------------------


_REFUSALS = {
    "invalid": (gettext_lazy("Ce lien n'est pas valide."), 404),
    "expired": (gettext_lazy("Ce lien a expiré."), 410),
    "used": (gettext_lazy("Ce lien a déjà servi : une réponse a été donnée."), 410),
    "closed": (gettext_lazy("Cette demande n'attend plus de réponse."), 410),
}


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    message, status = _REFUSALS[reason]
    return _private(
        render(request, "outreach/link_refused.html", {"message": message}, status=status)
    )


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    """GET shows the request and the proposed answer; POST (one button) gives it.

    The GET does not answer by itself: mail scanners open links, and the link is single-use.
    The page shows the request and the names in it, never anyone's contact details.
    """
    if answer not in Answer.values:
        raise Http404
    try:
        found = links.find(token)
    except links.LinkRefused as exc:
        return _refused(request, exc.reason)
    subject: ContactRequest | Introduction = found.contact_request or found.introduction  # type: ignore[assignment]
    actions.expire_if_due(subject)
    if subject.status in (RequestStatus.EXPIRED, IntroStatus.EXPIRED):
        return _refused(request, "expired")
    if not links.is_current(found):
        return _refused(request, "closed")
    done = None
    if request.method == "POST":
        chosen = request.POST.get("answer", "")
        if chosen not in Answer.values:
            raise Http404
        try:
            done = actions.answer_by_link(token, chosen, note=request.POST.get("note", ""))
        except links.LinkRefused as exc:
            return _refused(request, exc.reason)
        except actions.OutreachError:
            return _refused(request, "closed")
        answer = chosen
    context = {
        "link": found,
        "answer": answer,
        "answers": Answer.choices,
        "done": done is not None,
        "is_contact": found.purpose == LinkPurpose.CONTACT,
        "is_connector": found.purpose == LinkPurpose.CONNECTOR,
        "is_target": found.purpose == LinkPurpose.TARGET,
        "request_obj": found.contact_request,
        "intro": found.introduction,
    }
    return _private(render(request, "outreach/link.html", context))
