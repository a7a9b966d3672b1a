"""The second factor staff must have when ``FILON_STAFF_MFA`` (or ``FILON_PRODUCTION``) is on.

allauth.mfa holds the authenticators (TOTP apps, WebAuthn keys and passkeys, recovery codes);
this module only answers whether an account may go on without one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from filon.directory.privacy import is_staff


def second_factor_required() -> bool:
    return bool(getattr(settings, "STAFF_MFA", False))


def has_second_factor(user: Any) -> bool:
    """A TOTP app or a WebAuthn key (recovery codes alone are no second factor)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def needs_second_factor(user: Any) -> bool:
    """Staff and admins need one whenever the requirement is on."""
    return is_staff(user) and second_factor_required()


def blocked_for_second_factor(user: Any) -> bool:
    """True for a staff account that must set up a second factor before going anywhere."""
    return needs_second_factor(user) and not has_second_factor(user)
