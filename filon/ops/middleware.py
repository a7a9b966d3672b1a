"""One log line per request: its id, route name, status, duration and user id — no path.

The path, its query string and the form data are never logged: they carry search terms,
one-click tokens, e-mail addresses and names. The request id comes from the proxy's
``X-Request-ID`` header when it looks like one, else is made here; it is sent back in the
response's ``X-Request-ID`` and stamped on every log record written during the request.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from filon.ops.logs import request_id

log = logging.getLogger("filon.request")

GIVEN_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match.route or "?"
    if request.path_info.startswith(settings.STATIC_URL):
        return "static"
    return "unresolved"


def user_of(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return int(user.pk)


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        given = request.headers.get("X-Request-ID", "")
        rid = given if GIVEN_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "route": route_of(request),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user_of(request),
                },
            )
            return response
        finally:
            request_id.reset(token)
