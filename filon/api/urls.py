"""Routes of the API. Ninja's own authentication answers 401; the site's login redirect must not."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver

from filon.api.api import api


def _open_to_api_auth(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
        else:
            _open_to_api_auth(pattern.url_patterns)
    return patterns


_patterns, app_name, namespace = api.urls
urlpatterns = _open_to_api_auth(list(_patterns))
