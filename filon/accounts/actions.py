"""Writes on accounts: each one transaction, each one audit-log row."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.urls import reverse

from filon.accounts import invitations
from filon.accounts.models import ApiToken, User, normal_email
from filon.audit.actions import record
from filon.directory.models import ContactKind, ContactPoint, Person


def issue_api_token(user: User, name: str, *, actor: User | None = None) -> str:
    """Create a token for ``user`` and return it; only its hash is kept."""
    with transaction.atomic():
        token, raw = ApiToken.issue(user, name)
        record(
            "api_token.create",
            actor=actor or user,
            target=token,
            user=user.email,
            name=name,
            expires_at=token.expires_at.isoformat(),
        )
    return raw


def revoke_api_token(user: User, token_id: int) -> bool:
    """Delete one of ``user``'s own tokens; False when it is not theirs (or gone)."""
    with transaction.atomic():
        token = ApiToken.objects.filter(pk=token_id, user=user).first()
        if token is None:
            return False
        record("api_token.revoke", actor=user, target=token, name=token.name)
        token.delete()
    return True


def activate(user: User, password: str) -> User:
    """The invited person chose a password: the link is spent, the address proven."""
    with transaction.atomic():
        user.set_password(password)
        user.email_failed_at = None
        user.save()
        EmailAddress.objects.filter(user=user).exclude(email=user.email).delete()
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        record("account.activate", actor=user, target=user)
    return user


def confirm_current_address(user: User) -> None:
    """Record the account's login as its confirmed, primary allauth address (the directory's
    address, or one proven by an invitation or a confirmed change)."""
    if not user.email:
        return
    address = EmailAddress.objects.filter(user=user, email=user.email).first()
    if address is None:
        EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif not (address.verified and address.primary):
        EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
            primary=False
        )
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


def set_active(actor: User, user: User, active: bool) -> User:
    """Deactivate (no login, no token) or reactivate an account."""
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        record("account.reactivate" if active else "account.deactivate", actor=actor, target=user)
    return user


def request_activation(email: str) -> None:
    """« Première connexion ? »: one e-mail to the address typed, whatever it is.

    A person of the directory with that address and no account gets an invitation (their
    account is created); an invited account gets a new link; an active account is told to use
    « Mot de passe oublié ? »; any other address is told the directory does not know it. The
    page that calls this answers the same in every case.
    """
    email = normal_email(email)
    user = User.objects.filter(email=email).first()
    if user is None:
        owners = list(
            ContactPoint.objects.filter(kind=ContactKind.EMAIL, value__iexact=email)
            .values_list("person_id", flat=True)
            .distinct()[:2]
        )
        if len(owners) != 1:
            invitations.send_all([(User(email=email), _mail("first_login_unknown", email))])
            return
        user = User.objects.filter(person_id=owners[0]).first()
        if user is None:
            invitations.invite(
                Person.objects.filter(pk=owners[0]),
                force=True,
                addresses={owners[0]: email},
                reason="first_login",
            )
            return
    if not user.is_active:
        invitations.send_all([(user, _mail("first_login_unknown", email, user.language))])
    elif user.has_usable_password():
        invitations.send_all([(user, _mail("first_login_active", email, user.language))])
    else:
        invitations.reinvite(user, reason="first_login")


def _mail(name: str, email: str, language: str = "fr") -> Any:
    from django.conf import settings

    return invitations.render_mail(
        name,
        email,
        language,
        {"email": email, "reset_url": settings.SITE_URL + reverse("account_reset_password")},
    )


def export_for_staff(actor: User, person: Any) -> dict[str, Any]:
    """A person's GDPR export (their account's too, if they have one), downloaded by the staff
    from their profile (logged); people without an account have their data exported too."""
    from filon.directory.queries import personal_data

    account = User.objects.filter(person=person).first()
    with transaction.atomic():
        data = personal_data(account, person=person)
        record(
            "gdpr.export.staff",
            actor=actor,
            target=person,
            account_id=account.pk if account is not None else None,
        )
    return data
