"""The account part of a person's personal data (GDPR), for :mod:`filon.directory.gdpr`."""

from __future__ import annotations

import secrets
from typing import Any

from django.apps import apps

from filon.directory.gdpr import Part, Subject, iso, register


def _addresses(account: Any) -> list[Any]:
    """The login addresses django-allauth keeps for the account (old ones included)."""
    if not apps.is_installed("allauth.account"):
        return []
    from allauth.account.models import EmailAddress

    return list(EmailAddress.objects.filter(user=account).order_by("pk"))


def _authenticators(account: Any) -> list[Any]:
    if not apps.is_installed("allauth.mfa"):
        return []
    from allauth.mfa.models import Authenticator

    return list(Authenticator.objects.filter(user=account).order_by("pk"))


def export(subject: Subject) -> dict[str, Any]:
    from filon.accounts.models import ApiToken

    user = subject.account
    if user is None:
        return {"account": None, "api_tokens": []}
    account = {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "language": user.language,
        "is_active": user.is_active,
        "date_joined": iso(user.date_joined),
        "last_login": iso(user.last_login),
        "login_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in _addresses(user)
        ],
        "second_factors": [
            {"type": a.type, "created_at": iso(a.created_at), "last_used_at": iso(a.last_used_at)}
            for a in _authenticators(user)
        ],
    }
    return {
        "account": account,
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": iso(t.created_at),
                "last_used_at": iso(t.last_used_at),
            }
            for t in ApiToken.objects.filter(user=user).order_by("created_at")
        ],
    }


def erase(subject: Subject) -> dict[str, int]:
    """Tokens, login addresses and second factors go; the account stays, deactivated, with a
    placeholder address and no usable password (the audit log points to it)."""
    from filon.accounts.models import ApiToken

    account = subject.account
    if account is None:
        return {}
    done = {"api_tokens": ApiToken.objects.filter(user=account).delete()[0]}
    for kind, rows in (
        ("login_addresses", _addresses(account)),
        ("second_factors", _authenticators(account)),
    ):
        for row in rows:
            row.delete()
        done[kind] = len(rows)
    account.email = f"efface-{account.pk}-{secrets.token_hex(4)}@efface.invalid"
    account.first_name = account.last_name = ""
    account.is_active = False
    account.set_unusable_password()
    account.save()
    return done


def strings(subject: Subject) -> set[str]:
    account = subject.account
    if account is None:
        return set()
    found = {account.email, account.get_full_name()}
    found |= {a.email for a in _addresses(account)}
    return found


register(
    Part(
        key="account",
        models=(
            "accounts.User",
            "accounts.ApiToken",
            "account.EmailAddress",
            "mfa.Authenticator",
        ),
        export=export,
        erase=erase,
        kept="Le compte, désactivé, sans adresse ni mot de passe : le journal d'audit y renvoie.",
        order=95,
        strings=strings,
        inline=True,
    )
)
