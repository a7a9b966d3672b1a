"""Filon's settings of django-allauth: closed sign-up, one e-mail form, e-mail links to
``FILON_SITE_URL``, and a failed-login limit that says when to try again."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from filon.accounts.models import normal_email

APP = "allauth.account"


def retry_at(request: HttpRequest, action: str, key: str) -> float | None:
    """When (a Unix time) ``action`` is allowed again for ``key`` and this request's IP;
    None when it is allowed now. Reads allauth's own counters."""
    latest: float | None = None
    now = time.time()
    for rate in ratelimit.get_rates(app=APP, action=action):
        cache_key = ratelimit.get_cache_key(request, app=APP, action=action, rate=rate, key=key)
        history = [ts for ts in cache.get(cache_key, []) if ts > now - rate.duration]
        if len(history) >= rate.amount:
            free = history[rate.amount - 1] + rate.duration
            latest = free if latest is None else max(latest, free)
    return latest


def retry_message(when: float) -> str:
    """« Réessayez dans 14 minutes, à 10:42. », in the request's language and time zone."""
    minutes = max(1, math.ceil((when - time.time()) / 60))
    clock = timezone.localtime(datetime.fromtimestamp(when, tz=UTC)).strftime("%H:%M")
    return ngettext(
        "Trop de tentatives de connexion échouées pour cette adresse ou depuis ce réseau. "
        "Réessayez dans %(minutes)d minute, à %(time)s.",
        "Trop de tentatives de connexion échouées pour cette adresse ou depuis ce réseau. "
        "Réessayez dans %(minutes)d minutes, à %(time)s.",
        minutes,
    ) % {"minutes": minutes, "time": clock}


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _("Adresse e-mail ou mot de passe incorrect."),
        "account_inactive": _("Ce compte est désactivé : écrivez à l'association."),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """No sign-up: accounts come from the directory (invitation or « Première connexion »)."""
        return False

    def clean_email(self, email: str) -> str:
        return normal_email(super().clean_email(email))

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            key = self._get_login_attempts_cache_key(request, **credentials)
            when = retry_at(request, "login_failed", key)
            message = (
                retry_message(when)
                if when is not None
                else _("Trop de tentatives de connexion échouées. Réessayez dans un moment.")
            )
            raise ValidationError(message, code="too_many_login_attempts") from None

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's e-mails, with their links on ``FILON_SITE_URL`` (not the request's host)."""
        request = getattr(self, "request", None)
        if request is not None:
            origin = request.build_absolute_uri("/")
            context = {
                name: settings.SITE_URL + "/" + value[len(origin) :]
                if isinstance(value, str) and value.startswith(origin)
                else value
                for name, value in context.items()
            }
        context.setdefault("site_url", settings.SITE_URL)
        super().send_mail(template_prefix, email, context)
