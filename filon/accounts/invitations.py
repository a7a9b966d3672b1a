"""Invitations: the people of the directory get an account by a signed, single-use link.

An invitation creates the person's account (its login is the directory's e-mail address, with
no usable password yet) and mails a link valid ``FILON_INVITATION_DAYS`` that opens the page
where they choose a password. The link carries a fingerprint of the account's password hash and
invitation time: choosing a password, or a newer invitation, makes it worthless. Nobody gets two
invitations within :data:`RESEND_AFTER` unless forced.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import escape

from filon.accounts.models import User, normal_email
from filon.audit.actions import record
from filon.directory.models import ContactKind, ContactPoint, Person

log = logging.getLogger(__name__)

SALT = "filon.accounts.invitation"
RESEND_AFTER = timedelta(days=7)
CHUNK = 500
LANGUAGES = ("fr", "en")


# -- the signed link ------------------------------------------------------------------------


def _fingerprint(user: User) -> str:
    invited = int(user.invited_at.timestamp()) if user.invited_at else 0
    value = f"{user.pk}:{user.password}:{invited}:{int(user.is_active)}"
    return salted_hmac(SALT, value).hexdigest()[:20]


def make_token(user: User) -> str:
    return signing.dumps([user.pk, _fingerprint(user)], salt=SALT)


def user_for_token(token: str) -> User | None:
    """The account a link was made for, if the link is genuine, unused and not expired."""
    try:
        pk, fingerprint = signing.loads(
            token, salt=SALT, max_age=timedelta(days=settings.INVITATION_DAYS)
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or user.has_usable_password():
        return None
    if not constant_time_compare(_fingerprint(user), str(fingerprint)):
        return None
    return user


def activation_url(user: User) -> str:
    return settings.SITE_URL + reverse("accounts:activate", args=[make_token(user)])


# -- the e-mails ----------------------------------------------------------------------------


def _texts(name: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    language = language if language in LANGUAGES else "fr"
    full = {"site_url": settings.SITE_URL, "language": language, **context}
    with translation.override(language):
        subject = " ".join(get_template(f"accounts/email/{name}_subject.txt").render(full).split())
        text = get_template(f"accounts/email/{name}.txt").render(full)
        html = get_template(f"accounts/email/{name}.html").render(full)
    return subject, text, html


def _message(to: str, language: str, subject: str, text: str, html: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def render_mail(
    name: str, to: str, language: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    """One e-mail from ``accounts/email/<name>_subject.txt``, ``.txt`` and ``.html``."""
    language = language if language in LANGUAGES else "fr"
    return _message(to, language, *_texts(name, language, context))


#: Stand-ins rendered into the invitation once per language, then replaced per person.
_FIRST, _LINK, _EMAIL = "\x00first\x00", "\x00link\x00", "\x00email\x00"


class InvitationWriter:
    """Invitations rendered once per language and greeting, then filled in per person: a batch
    of 30,000 costs 30,000 string replacements, not 90,000 template renderings."""

    def __init__(self) -> None:
        self.prefix = settings.SITE_URL + reverse("accounts:activate", args=["TOKEN"])[:-6]
        self.cache: dict[tuple[str, bool], tuple[str, str, str]] = {}

    def __call__(self, user: User, first_name: str) -> EmailMultiAlternatives:
        language = user.language if user.language in LANGUAGES else "fr"
        key = (language, bool(first_name))
        if key not in self.cache:
            self.cache[key] = _texts(
                "invitation",
                language,
                {
                    "first_name": _FIRST if first_name else "",
                    "link": _LINK,
                    "days": settings.INVITATION_DAYS,
                    "email": _EMAIL,
                },
            )
        subject, text, html = self.cache[key]
        link = self.prefix + make_token(user) + "/"
        plain = {_FIRST: first_name, _LINK: link, _EMAIL: user.email}
        escaped = {_FIRST: escape(first_name), _LINK: escape(link), _EMAIL: escape(user.email)}
        for mark in (_FIRST, _LINK, _EMAIL):
            text = text.replace(mark, plain[mark])
            html = html.replace(mark, escaped[mark])
        return _message(user.email, language, subject, text, html)


def invitation_mail(user: User, first_name: str) -> EmailMultiAlternatives:
    return InvitationWriter()(user, first_name)


def send_all(messages: Sequence[tuple[User, EmailMultiAlternatives]]) -> list[User]:
    """Send through one connection; on an error, one by one. Returns the accounts whose
    message could not leave, marked « adresse en échec »."""
    if not messages:
        return []
    failed: list[User] = []
    try:
        with get_connection() as connection:
            connection.send_messages([m for _u, m in messages])
    except Exception:
        log.warning("sending %d invitations at once failed; trying one by one", len(messages))
        for user, message in messages:
            try:
                message.send()
            except Exception:
                log.warning("invitation to account %s could not be sent", user.pk, exc_info=True)
                failed.append(user)
    if failed:
        User.objects.filter(pk__in=[u.pk for u in failed]).update(email_failed_at=timezone.now())
    return failed


# -- who is invited -------------------------------------------------------------------------


@dataclass
class InviteResult:
    """What an invitation run did (or, dry, would do)."""

    invited: int = 0
    already_active: int = 0
    invited_recently: int = 0
    no_email: int = 0
    deactivated: int = 0
    failed: int = 0
    accounts: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "invited": self.invited,
            "skipped": {
                "already_active": self.already_active,
                "invited_recently": self.invited_recently,
                "no_email": self.no_email,
                "deactivated": self.deactivated,
            },
            "failed": self.failed,
        }


def people(school: str | None = None, track: str | None = None) -> QuerySet[Person]:
    """The directory's people, optionally of one school and one track."""
    qs = Person.objects.all()
    if school:
        qs = qs.filter(affiliations__school__code=school)
    if track:
        qs = qs.filter(affiliations__track=track)
    return qs.distinct() if (school or track) else qs


def _directory_emails(ids: Sequence[int]) -> dict[int, str]:
    """Each person's e-mail: the primary one, else the first recorded."""
    found: dict[int, str] = {}
    rows = (
        ContactPoint.objects.filter(person_id__in=ids, kind=ContactKind.EMAIL)
        .order_by("person_id", "-is_primary", "pk")
        .values_list("person_id", "value")
    )
    for person_id, value in rows:
        found.setdefault(person_id, normal_email(value))
    return found


def invite(
    targets: QuerySet[Person] | Iterable[int],
    *,
    actor: Any = None,
    force: bool = False,
    dry_run: bool = False,
    addresses: dict[int, str] | None = None,
    progress: Callable[[int], None] | None = None,
    reason: str = "staff",
) -> InviteResult:
    """Invite people of the directory: create their accounts and mail each a link.

    Skipped: accounts already active (a password chosen), deactivated ones, people invited in
    the last seven days (unless ``force``), people without a usable address (none in the
    directory, or one already another account's). ``addresses`` picks the address to use for
    some people (« Première connexion » uses the one typed). One audit row for the run.
    """
    if isinstance(targets, QuerySet):
        ids = list(targets.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(targets))
    tick = progress or (lambda _n: None)
    result = InviteResult()
    writer = InvitationWriter()
    taken = set(User.objects.values_list("email", flat=True))
    recent = timezone.now() - RESEND_AFTER
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        accounts = {u.person_id: u for u in User.objects.filter(person_id__in=chunk)}
        names = dict(Person.objects.filter(pk__in=chunk).values_list("pk", "first_name"))
        emails = _directory_emails(chunk)
        if addresses:
            emails.update({pk: normal_email(a) for pk, a in addresses.items() if pk in names})
        to_create: list[User] = []
        to_resend: list[User] = []
        for pk in chunk:
            user = accounts.get(pk)
            if user is not None:
                if not user.is_active:
                    result.deactivated += 1
                elif user.has_usable_password():
                    result.already_active += 1
                elif not force and user.invited_at is not None and user.invited_at > recent:
                    result.invited_recently += 1
                else:
                    to_resend.append(user)
                continue
            email = emails.get(pk, "")
            if not email or email in taken:
                result.no_email += 1
                continue
            taken.add(email)
            to_create.append(User(email=email, person_id=pk, first_name=names.get(pk, "")))
        result.invited += len(to_create) + len(to_resend)
        if not dry_run and (to_create or to_resend):
            result.failed += len(_write_and_send(to_create, to_resend, names, result, writer))
        tick(len(chunk))
    if not dry_run:
        with transaction.atomic():
            target = None
            if len(result.accounts) == 1:
                target = User.objects.get(pk=result.accounts[0])
            record(
                "account.invite",
                actor=actor,
                target=target,
                reason=reason,
                force=force,
                **result.as_json(),
            )
    return result


def reinvite(user: User, *, actor: Any = None, reason: str = "staff") -> bool:
    """A new link for an account that has not chosen its password yet (whatever the seven
    days rule); False when the message could not leave."""
    with transaction.atomic():
        user.invited_at = timezone.now()
        user.email_failed_at = None
        user.save(update_fields=["invited_at", "email_failed_at"])
        record("account.invite", actor=actor, target=user, reason=reason, force=True, invited=1)
    first_name = user.person.first_name if user.person_id and user.person else user.first_name
    return not send_all([(user, invitation_mail(user, first_name))])


def _write_and_send(
    to_create: list[User],
    to_resend: list[User],
    names: dict[int, str],
    result: InviteResult,
    writer: InvitationWriter,
) -> list[User]:
    now = timezone.now()
    with transaction.atomic():
        for user in to_create:
            user.password = make_password(None)
            user.invited_at = now
        created = User.objects.bulk_create(to_create, batch_size=CHUNK)
        for user in to_resend:
            user.invited_at = now
            user.email_failed_at = None
        User.objects.bulk_update(to_resend, ["invited_at", "email_failed_at"], batch_size=CHUNK)
    invited = [*created, *to_resend]
    result.accounts += [u.pk for u in invited]
    messages = [(u, writer(u, names.get(u.person_id or 0, "") or u.first_name)) for u in invited]
    return send_all(messages)
