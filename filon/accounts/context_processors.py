"""What every page needs to know about the signed-in account."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


def accounts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)

    def can_use_admin() -> bool:
        """Staff with at least one thing to do there (a superuser, or some model rights):
        anyone else would only meet Django's « no permission » page."""
        if user is None or not (user.is_active and user.is_staff):
            return False
        return bool(admin.site.get_app_list(request))

    return {"can_use_admin": can_use_admin}
