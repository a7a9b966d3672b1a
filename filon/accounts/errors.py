"""Error pages in Filon's layout (400, 403, 404, 413, 414, 429), a static 500 that needs no
database, and the favicon."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import cache_control

#: Longer addresses are refused with the 414 page (gunicorn itself refuses lines over 8190).
MAX_URI = 4096

STATIC = Path(__file__).resolve().parents[1] / "web" / "static" / "filon"
TEMPLATES = Path(__file__).resolve().parent / "templates"


def _page(request: HttpRequest, status: int, **context: object) -> HttpResponse:
    return render(request, f"{status}.html", {"status": status, **context}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return _page(request, 413)
    return _page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(request, 403, csrf=True)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404)


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 429)


@cache
def _static_500() -> bytes:
    return (TEMPLATES / "500.html").read_bytes()


def server_error(request: HttpRequest) -> HttpResponse:
    """A file read once and sent as it is: no template, no session, no database."""
    return HttpResponse(_static_500(), status=500, content_type="text/html; charset=utf-8")


@login_not_required
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponse((STATIC / "filon.svg").read_bytes(), content_type="image/svg+xml")


class UriTooLongMiddleware:
    """414 in Filon's layout for an address longer than :data:`MAX_URI` characters."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.get_full_path()) > MAX_URI:
            # Before LocaleMiddleware: choose the language here.
            with translation.override(translation.get_language_from_request(request)):
                return _page(request, 414)
        return self.get_response(request)
