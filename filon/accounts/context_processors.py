"""What every page needs to know about the signed-in account."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def accounts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # Who can do something in Django's admin: the administrators. Staff accounts have no model
    # rights there (the role decides Django's flags, and the admin's account form grants none),
    # so for them the link would only open Django's « no permission » page.
    can_use_admin = bool(user is not None and user.is_active and user.is_superuser)
    return {"can_use_admin": can_use_admin}
