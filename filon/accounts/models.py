"""Accounts: who can sign in, with which role, linked to which person of the directory."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("Membre")
    STAFF = "staff", _("Équipe de l'association")
    ADMIN = "admin", _("Administrateur")


def normal_email(email: str) -> str:
    """The one form an e-mail address is stored and compared in: trimmed, lower-cased.

    Logins compare this form, and the database refuses any other (see ``User.Meta``).
    """
    return (email or "").strip().lower()


class AccountState(models.TextChoices):
    """Where a directory person stands with their account (the staff's « Comptes » page)."""

    NEVER_INVITED = "never", _("jamais invité")
    INVITED = "invited", _("invité")
    ACTIVE = "active", _("actif")
    FAILED = "failed", _("adresse en échec")
    DISABLED = "disabled", _("désactivé")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Django's own login (and the admin's) finds « Claire.Dumas@example.org  » too.
        return self.get(email=normal_email(username or ""))

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not normal_email(email):
            raise ValueError("an account needs an e-mail address")
        user = self.model(email=normal_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["role"] = Role.ADMIN
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A sign-in account. The e-mail is the login; the role decides staff and admin rights."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("adresse e-mail"), unique=True)
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    person = models.OneToOneField(
        "directory.Person",
        verbose_name=_("fiche de l'annuaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )
    language = models.CharField(
        _("langue"), max_length=5, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )
    invited_at = models.DateTimeField(_("invité le"), null=True, blank=True)
    email_failed_at = models.DateTimeField(
        _("envoi en échec le"),
        null=True,
        blank=True,
        help_text=_("Le dernier e-mail à cette adresse n'a pas pu partir."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        constraints = [
            # One normal form, enforced by the database itself (SQLite and PostgreSQL): a
            # second account cannot differ from the first by case or surrounding spaces.
            models.CheckConstraint(
                condition=Q(email=Lower(Trim("email"))), name="accounts_user_email_normal_form"
            ),
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def save(self, *args: object, **kwargs: object) -> None:
        # The role is the single source of truth for Django's own flags.
        self.is_staff = self.role in (Role.STAFF, Role.ADMIN)
        self.is_superuser = self.role == Role.ADMIN
        self.email = normal_email(self.email)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_association_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def state(self) -> AccountState:
        """Désactivé, adresse en échec, actif (a password chosen), invité or jamais invité."""
        if not self.is_active:
            return AccountState.DISABLED
        if self.has_usable_password():
            return AccountState.ACTIVE
        if self.email_failed_at is not None:
            return AccountState.FAILED
        if self.invited_at is not None:
            return AccountState.INVITED
        return AccountState.NEVER_INVITED

    def __str__(self) -> str:
        return self.email


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_expiry() -> datetime:
    """When a token created now stops working: ``FILON_API_TOKEN_DAYS`` from now."""
    return timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"), default=token_expiry)
    last_used_at = models.DateTimeField(_("dernier usage"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        raw = "fln_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[4:12], key_hash=_hash_token(raw)
        )
        return token, raw

    @classmethod
    def user_for(cls, raw: str) -> User | None:
        """The account a bearer token stands for; None when unknown, expired or its account
        is deactivated or must first set up the second factor staff need (see middleware)."""
        from filon.accounts.mfa import blocked_for_second_factor

        now = timezone.now()
        token = (
            cls.objects.select_related("user")
            .filter(key_hash=_hash_token(raw), expires_at__gt=now)
            .first()
        )
        if token is None or not token.user.is_active or blocked_for_second_factor(token.user):
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user
