"""Request body limits and the response headers that django-csp and Django do not set.

- :class:`RequestBodyLimitMiddleware` answers 413 when a request announces a body larger than
  its route allows, from the ``Content-Length`` header alone: nothing reads the body first. The
  limits are the settings ``REQUEST_BODY_MAX_BYTES`` (every request) and
  ``UPLOAD_BODY_MAX_BYTES`` (the staff's upload routes, ``UPLOAD_PATH_PREFIXES``).
- :class:`SecurityHeadersMiddleware` adds ``Permissions-Policy`` (``PERMISSIONS_POLICY``) to
  every answer, and ``Cache-Control: no-store`` to every answer that may hold personal data:
  the whole API but its schema and documentation pages, and every answer to a signed-in member.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from filon.directory.privacy import is_staff

#: API paths without personal data: the OpenAPI schema and its documentation page.
PUBLIC_API_PATHS = ("/api/openapi.json", "/api/docs")


def body_limit(request: HttpRequest) -> int:
    """The largest body, in bytes, that ``request`` may send."""
    uploading = request.path_info.startswith(tuple(settings.UPLOAD_PATH_PREFIXES))
    if uploading and is_staff(getattr(request, "user", None)):
        return int(settings.UPLOAD_BODY_MAX_BYTES)
    return int(settings.REQUEST_BODY_MAX_BYTES)


def _declared_length(request: HttpRequest) -> int | None:
    """The body size the client announced: 0 without one, None when it is no number."""
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw)
    except ValueError:
        return None
    return length if length >= 0 else None


class RequestBodyLimitMiddleware:
    """413 for a body over the route's limit, before anything reads it.

    It sits after the authentication middleware (the staff's upload routes allow more) and
    before everything that may read the body: CSRF's check of a form's token runs in the view
    phase, after every middleware's request phase.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        length = _declared_length(request)
        if length is None:
            return HttpResponse(
                "Content-Length invalide / invalid Content-Length\n",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        limit = body_limit(request)
        if length > limit:
            detail = (
                f"Requête trop volumineuse : {limit} octets au plus. "
                f"Request body too large: {limit} bytes at most."
            )
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": detail, "errors": []}, status=413)
            return render(request, "413.html", {"status": 413, "limit": limit}, status=413)
        return self.get_response(request)


def _holds_personal_data(request: HttpRequest) -> bool:
    path = request.path_info
    if path.startswith("/api/"):
        return not path.startswith(PUBLIC_API_PATHS)
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def permissions_policy(features: dict[str, list[str]]) -> str:
    """The header's value: ``camera=()`` for a feature allowed to no origin.

    >>> permissions_policy({"camera": [], "fullscreen": ["self"]})
    'camera=(), fullscreen=(self)'
    """
    return ", ".join(f"{name}=({' '.join(allowed)})" for name, allowed in features.items())


class SecurityHeadersMiddleware:
    """``Permissions-Policy`` everywhere; ``Cache-Control: no-store`` on personal answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.permissions = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        if _holds_personal_data(request):
            add_never_cache_headers(response)
        return response
