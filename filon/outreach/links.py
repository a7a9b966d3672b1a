"""One-click answer links: signed (cannot be forged), expiring, usable once (cannot be replayed).

A link carries ``TimestampSigner(salt=SALT).sign(nonce)`` and the answer it proposes; the
database keeps the nonce with its subject, its expiry and whether it was used. Checking a
link never needs a session: holding it is the proof of being its recipient, which is why it
is single-use, short-lived, and why the page it opens shows nothing but the request itself.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from filon.ops.notify import site_url
from filon.outreach.models import ActionLink, Answer, ContactRequest, Introduction, LinkPurpose

SALT = "filon.outreach.action-link"


class LinkRefused(Exception):
    """A link that cannot be used; ``reason`` is "invalid", "expired" or "used"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def max_age() -> timedelta:
    """No link outlives the longest step of a request (the signature's own ceiling)."""
    return timedelta(days=settings.OUTREACH_EXPIRY_DAYS)


def issue(
    purpose: str,
    person_id: int,
    *,
    expires_at: datetime,
    contact_request: ContactRequest | None = None,
    introduction: Introduction | None = None,
) -> str:
    """Store a new link for ``person_id`` and return its token (to be put in one e-mail)."""
    nonce = secrets.token_urlsafe(32)
    ActionLink.objects.create(
        nonce=nonce,
        purpose=purpose,
        person_id=person_id,
        contact_request=contact_request,
        introduction=introduction,
        expires_at=min(expires_at, timezone.now() + max_age()),
    )
    return _signer().sign(nonce)


def answer_urls(token: str) -> dict[str, str]:
    """The absolute URL of each answer an e-mail offers: accept, decline, later."""
    return {answer.value: site_url("outreach:link", token, answer.value) for answer in Answer}


def find(token: str, *, for_update: bool = False) -> ActionLink:
    """The link behind ``token``, if it may still be used; :class:`LinkRefused` otherwise."""
    try:
        nonce = _signer().unsign(token, max_age=max_age())
    except signing.SignatureExpired:
        raise LinkRefused("expired") from None
    except signing.BadSignature:
        raise LinkRefused("invalid") from None
    links = ActionLink.objects.select_related("contact_request", "introduction", "person").filter(
        nonce=nonce
    )
    if for_update:
        links = links.select_for_update(of=("self",))
    link = links.first()
    if link is None:
        raise LinkRefused("invalid")
    if link.used_at is not None:
        raise LinkRefused("used")
    if link.expires_at <= timezone.now():
        raise LinkRefused("expired")
    return link


def is_current(link: ActionLink) -> bool:
    """Whether the link's subject still waits for this person's answer."""
    if link.purpose == LinkPurpose.CONTACT:
        request = link.contact_request
        return request is not None and request.status == "pending"
    intro = link.introduction
    if intro is None:
        return False
    if link.purpose == LinkPurpose.CONNECTOR:
        return intro.status == "connector"
    return intro.status == "target"


def spend(link: ActionLink, answer: str) -> None:
    """Mark the link used, with every other live link of its person for the same subject.

    Runs inside the answering action's transaction, on a row locked by ``find(for_update)``.
    """
    now = timezone.now()
    assert transaction.get_connection().in_atomic_block
    ActionLink.objects.filter(pk=link.pk).update(used_at=now, used_for=answer)
    siblings = ActionLink.objects.filter(person_id=link.person_id, used_at__isnull=True)
    if link.contact_request_id is not None:
        siblings = siblings.filter(contact_request_id=link.contact_request_id)
    elif link.introduction_id is not None:
        siblings = siblings.filter(introduction_id=link.introduction_id)
    siblings.update(used_at=now)
