"""Writes on accounts: each one transaction, each one audit-log row."""

from __future__ import annotations

from django.db import transaction

from filon.accounts.models import ApiToken, User
from filon.audit.actions import record


def issue_api_token(user: User, name: str, *, actor: User | None = None) -> str:
    """Create a token for ``user`` and return it; only its hash is kept."""
    with transaction.atomic():
        token, raw = ApiToken.issue(user, name)
        record("api_token.create", actor=actor or user, target=token, user=user.email, name=name)
    return raw
