"""E-mail to a person of the directory: rendered from templates in the recipient's language,
queued after commit. It stands below the domain apps (outreach, events… use it) and imports
none of them.

Every message has a plain-text and an HTML part (``<folder>/<name>.txt`` and ``.html``, the
subject in ``<name>_subject.txt``; the folder defaults to ``outreach/email``, where the
notifications' templates live), is written in the recipient's
``User.language`` (French for people without an account), and goes out through Django's
configured backend only once the action that sends it has committed: a rolled-back action
sends nothing. Messages go through the task queue (:mod:`filon.ops.mail`): `filon worker` sends
them, retrying with back-off and recording bounces.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from filon.accounts.models import User
from filon.directory.models import ContactKind, ContactPoint, Person
from filon.ops.mail import send_message

log = logging.getLogger(__name__)

LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class Recipient:
    """Where and in which language to write to someone."""

    email: str
    language: str
    first_name: str


def account_of(person: Person) -> User | None:
    """The active account of a person, if they have one."""
    return User.objects.filter(person=person, is_active=True).first()


def language_of(person: Person) -> str:
    account = account_of(person)
    return account.language if account is not None and account.language in LANGUAGES else "fr"


def recipient_for(person: Person) -> Recipient | None:
    """The account's address (the one the member signs in with), else their primary e-mail."""
    account = account_of(person)
    if account is not None:
        language = account.language if account.language in LANGUAGES else "fr"
        return Recipient(account.email, language, person.first_name)
    contact = (
        ContactPoint.objects.filter(person=person, kind=ContactKind.EMAIL)
        .order_by("-is_primary", "pk")
        .first()
    )
    if contact is None:
        return None
    return Recipient(contact.value, "fr", person.first_name)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def site_url(name: str, *args: Any) -> str:
    return absolute(reverse(name, args=args))


FOLDER = "outreach/email"


def render_message(
    name: str, context: dict[str, Any], language: str, *, folder: str = FOLDER
) -> tuple[str, str, str]:
    """(subject, text, html) of a message, rendered in ``language``."""
    with translation.override(language):
        full = {"site_url": settings.SITE_URL, "language": language, **context}
        subject = " ".join(render_to_string(f"{folder}/{name}_subject.txt", full).split())
        text = render_to_string(f"{folder}/{name}.txt", full)
        html = render_to_string(f"{folder}/{name}.html", full)
    return subject, text, html


def send_to(person: Person, name: str, context: dict[str, Any], *, folder: str = FOLDER) -> bool:
    """Queue one message to ``person``; False when Filon has no address for them."""
    recipient = recipient_for(person)
    if recipient is None:
        log.warning("no e-mail address for person %s: %s not sent", person.pk, name)
        return False
    subject, text, html = render_message(
        name, {"recipient": recipient, **context}, recipient.language, folder=folder
    )
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [recipient.email],
        headers={"Content-Language": recipient.language, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    send_message(message, name)  # queued once the action commits; retried by `filon worker`
    return True
