"""Answers a used-up budget (:class:`filon.audit.throttle.LimitReached`) with a 429."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from filon.audit.throttle import LimitReached


class LimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if not isinstance(exception, LimitReached):
            return None
        return limit_response(request, exception)


def limit_response(request: HttpRequest, exc: LimitReached) -> HttpResponse:
    """429 with the message and ``Retry-After``: JSON for the API, a page elsewhere."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": exc.message, "errors": []}, status=429)
    else:
        response = render(request, "429.html", {"status": 429, "message": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response
