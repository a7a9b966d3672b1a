"""The second factor staff need: without one, when required, a staff account reaches only the
pages that set one up (and logging out)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from filon.accounts.mfa import blocked_for_second_factor


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def open_prefixes(self) -> tuple[str, ...]:
        """allauth's second-factor and re-authentication pages, and the static files."""
        return (
            reverse("mfa_index"),
            reverse("account_reauthenticate"),
            reverse("accounts:second_factor"),
            settings.STATIC_URL,
        )

    @cached_property
    def open_paths(self) -> frozenset[str]:
        return frozenset(
            {
                reverse("logout"),
                reverse("account_logout"),
                reverse("set_language"),
                "/favicon.ico",
            }
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if (
            path not in self.open_paths
            and not path.startswith(self.open_prefixes)
            and blocked_for_second_factor(request.user)
        ):
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse:
        message = _(
            "Les comptes de l'équipe doivent activer une double authentification avant "
            "d'accéder à Filon."
        )
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        setup = reverse("accounts:second_factor")
        if request.method == "GET" and not getattr(request, "htmx", False):
            return HttpResponseRedirect(f"{setup}?{urlencode({'next': request.get_full_path()})}")
        return render(request, "accounts/second_factor.html", {"message": message}, status=403)
