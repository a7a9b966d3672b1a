"""Account pages: first login, activation, one's own account and API tokens, the second factor
staff need, and the staff's « Comptes » page."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from allauth.account import views as allauth_views
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from filon.accounts import actions, invitations, mfa
from filon.accounts.forms import AccountSearchForm, EmailForm, TokenForm
from filon.accounts.models import AccountState, ApiToken, User, normal_email
from filon.core.text import fold
from filon.directory.models import ContactKind, ContactPoint, Person
from filon.directory.privacy import staff_required

PER_PAGE = 50
#: Above this many people, the staff page hands the batch to the task queue (or the command).
PAGE_BATCH_LIMIT = 200


# -- first login and activation -----------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def first_login(request: HttpRequest) -> HttpResponse:
    """« Première connexion ? »: the same answer whether the directory knows the address."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not ratelimit.consume(request, action="first_login", key=email):
            return render(request, "429.html", status=429)
        actions.request_activation(email)
        return redirect("accounts:first_login_sent")
    return render(
        request,
        "accounts/first_login.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_not_required
@require_GET
def first_login_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/first_login_sent.html", {"days": settings.INVITATION_DAYS})


@login_not_required
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation's link: choose a password (Django's validators), land home signed in."""
    user = invitations.user_for_token(token)
    if user is None:
        return render(request, "accounts/activate_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.activate(user, form.cleaned_data["new_password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Bienvenue sur Filon : votre mot de passe est enregistré."))
        return redirect("home")
    return render(
        request,
        "accounts/activate.html",
        {"form": form, "account": user},
        status=400 if request.method == "POST" else 200,
    )


# -- one's own account --------------------------------------------------------------------


@require_GET
def account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "has_second_factor": mfa.has_second_factor(user),
            "needs_second_factor": mfa.needs_second_factor(user),
            "tokens": ApiToken.objects.filter(user=user).count(),
        },
    )


def change_email(request: HttpRequest) -> HttpResponse:
    """allauth's address page, once the current login is on record as a confirmed address.

    An account created from the directory or by a command has no allauth address yet; allauth
    would record its login as unconfirmed, then take it for the pending change and drop it.
    """
    actions.confirm_current_address(request.user)  # type: ignore[arg-type]
    return allauth_views.email(request)


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """A member's API tokens: listed with their expiry, revoked, created (shown once)."""
    user: Any = request.user
    form = TokenForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            created = actions.issue_api_token(user, form.cleaned_data["name"])
            form = TokenForm()
        else:
            status = 400
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": ApiToken.objects.filter(user=user).order_by("-created_at"),
            "now": timezone.now(),
            "days": settings.API_TOKEN_DAYS,
        },
        status=status,
    )


@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    if not actions.revoke_api_token(request.user, pk):  # type: ignore[arg-type]
        raise Http404(_("Jeton introuvable."))
    messages.success(request, _("Le jeton est révoqué : il ne donne plus accès à l'API."))
    return redirect("accounts:tokens")


@require_GET
def second_factor(request: HttpRequest) -> HttpResponse:
    """What a staff account without a second factor sees, wherever it tried to go."""
    user: Any = request.user
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if not mfa.blocked_for_second_factor(user):
        return redirect(next_url or "home")
    return render(request, "accounts/second_factor.html", {"next": next_url}, status=200)


# -- the staff's « Comptes » page -----------------------------------------------------------


def _task_queue() -> Callable[..., None] | None:
    """How to queue a batch of invitations in the background, when Filon has a task queue
    (:mod:`filon.ops.queue`, Django's task framework); None otherwise (the command is the way)."""
    if not getattr(settings, "TASKS", None):
        return None
    from filon.accounts.tasks import invite_batch
    from filon.ops.queue import enqueue

    def queue(**kwargs: Any) -> None:
        enqueue(invite_batch, **kwargs)

    return queue


def _state_filter(state: str) -> Q:
    unusable = Q(account__password__startswith="!")
    return {
        AccountState.NEVER_INVITED: Q(account__isnull=True)
        | (Q(account__invited_at__isnull=True) & unusable & Q(account__is_active=True)),
        AccountState.INVITED: Q(
            account__is_active=True,
            account__invited_at__isnull=False,
            account__email_failed_at__isnull=True,
        )
        & unusable,
        AccountState.ACTIVE: Q(account__is_active=True) & ~unusable,
        AccountState.FAILED: Q(account__is_active=True, account__email_failed_at__isnull=False)
        & unusable,
        AccountState.DISABLED: Q(account__is_active=False),
    }[AccountState(state)]


def _people(form: AccountSearchForm) -> QuerySet[Person]:
    qs = Person.objects.select_related("account")
    data = form.cleaned_data if form.is_valid() else {}
    q = (data.get("q") or "").strip()
    if q:
        if "@" in q:
            email = normal_email(q)
            qs = qs.filter(
                Q(account__email=email)
                | Q(
                    pk__in=ContactPoint.objects.filter(
                        kind=ContactKind.EMAIL, value__iexact=email
                    ).values("person_id")
                )
            )
        else:
            for word in fold(q).split():
                qs = qs.filter(name_folded__contains=word)
    if data.get("school"):
        qs = qs.filter(affiliations__school=data["school"])
    if data.get("track"):
        qs = qs.filter(affiliations__track=data["track"])
    if data.get("state"):
        qs = qs.filter(_state_filter(data["state"]))
    if data.get("school") or data.get("track"):
        qs = qs.distinct()
    return qs.order_by("last_name", "first_name", "pk")


def _counts() -> dict[str, int]:
    base = Person.objects.all()
    return {state.value: base.filter(_state_filter(state)).count() for state in AccountState}


@staff_required
@require_GET
def accounts_page(request: HttpRequest) -> HttpResponse:
    form = AccountSearchForm(request.GET or None)
    people = _people(form)
    page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for person in page.object_list:
        account = getattr(person, "account", None)
        rows.append(
            {
                "person": person,
                "account": account,
                "state": account.state if account is not None else AccountState.NEVER_INVITED,
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    counts = _counts()
    return render(
        request,
        "accounts/staff_accounts.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "counts": [(s, counts[s.value]) for s in AccountState],
            "query": query.urlencode(),
            "queued": _task_queue() is not None,
            "batch_limit": PAGE_BATCH_LIMIT,
            "command": _command(form),
        },
    )


def _command(form: AccountSearchForm) -> str:
    """The command that invites what the page's filters select (school and track)."""
    data = form.cleaned_data if form.is_valid() else {}
    parts = ["filon accounts invite --all"]
    if data.get("school"):
        parts.append(f"--school {data['school'].code}")
    if data.get("track"):
        parts.append(f"--track {data['track']}")
    return " ".join(parts)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("accounts:staff")


@staff_required
@require_POST
def invite_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite one person, or send their link again (« renvoyer » forces the seven days)."""
    person = get_object_or_404(Person, pk=pk)
    force = request.POST.get("force") == "1"
    result = invitations.invite([person.pk], actor=request.user, force=force)
    if result.invited and not result.failed:
        messages.success(request, _("Invitation envoyée à %(name)s.") % {"name": person.full_name})
    elif result.failed:
        messages.error(request, _("L'e-mail n'a pas pu partir : adresse en échec."))
    elif result.invited_recently:
        messages.error(
            request, _("Déjà invité dans les sept derniers jours : utilisez « Renvoyer ».")
        )
    elif result.already_active:
        messages.error(request, _("Ce compte est déjà actif."))
    elif result.deactivated:
        messages.error(request, _("Ce compte est désactivé : réactivez-le d'abord."))
    else:
        messages.error(
            request,
            _("Pas d'adresse e-mail utilisable dans l'annuaire pour %(name)s.")
            % {"name": person.full_name},
        )
    return _back(request)


@staff_required
@require_POST
def invite_batch(request: HttpRequest) -> HttpResponse:
    """Invite what the filters select: small batches here, large ones in the background."""
    form = AccountSearchForm(request.POST)
    people = _people(form).filter(_state_filter(AccountState.NEVER_INVITED))
    total = people.count()
    if total > PAGE_BATCH_LIMIT:
        enqueue = _task_queue()
        data = form.cleaned_data if form.is_valid() else {}
        if enqueue is None:
            messages.error(
                request,
                _(
                    "%(n)d personnes : un lot de cette taille se lance depuis le serveur, "
                    "avec la commande « %(command)s »."
                )
                % {"n": total, "command": _command(form)},
            )
        else:
            school = data["school"].code if data.get("school") else None
            enqueue(actor_id=request.user.pk, school=school, track=data.get("track") or None)
            messages.success(
                request,
                _("%(n)d invitations partent en arrière-plan.") % {"n": total},
            )
        return _back(request)
    result = invitations.invite(people, actor=request.user)
    messages.success(
        request,
        _("%(n)d invitations envoyées (%(failed)d en échec, %(skipped)d sans adresse).")
        % {"n": result.invited, "failed": result.failed, "skipped": result.no_email},
    )
    return _back(request)


@staff_required
@require_POST
def set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    if user == request.user:
        messages.error(request, _("Vous ne pouvez pas désactiver votre propre compte."))
        return _back(request)
    actions.set_active(request.user, user, active)  # type: ignore[arg-type]
    messages.success(
        request,
        (
            _("Le compte %(email)s est réactivé.")
            if active
            else _("Le compte %(email)s est désactivé.")
        )
        % {"email": user.email},
    )
    return _back(request)


@staff_required
@require_GET
def gdpr_export(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's GDPR export (the JSON of `filon gdpr export`), from their profile page."""
    person = get_object_or_404(Person, pk=pk)
    data = actions.export_for_staff(request.user, person)  # type: ignore[arg-type]
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="filon-donnees-{pk}-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response
