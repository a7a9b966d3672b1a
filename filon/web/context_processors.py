"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def csp_nonce(request: HttpRequest) -> dict[str, Any]:
    """``csp_nonce``: this response's Content-Security-Policy nonce (django-csp), lazily made.

    The name is the one django-htmx's ``{% htmx_script %}`` reads; a template that needs an
    inline ``<script>`` or ``<style>`` writes ``nonce="{{ csp_nonce }}"`` on it.
    """
    return {"csp_nonce": getattr(request, "csp_nonce", None)}
