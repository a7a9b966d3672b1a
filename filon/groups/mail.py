"""Mailing a group's announcement to its members: a background job of the task queue.

:func:`send_announcement` runs in `filon worker`, never in the request: it reads the members in
batches, finds each one's address and language at once for the batch (the account's, else the
primary e-mail of the directory), renders the message in that language and queues it through
:func:`filon.ops.mail.send_message` (retried with back-off, bounces recorded). Every message
carries its member's one-click unsubscribe link (``List-Unsubscribe`` and
``List-Unsubscribe-Post``, RFC 8058). Members who unsubscribed from the group get nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from filon.accounts.models import User
from filon.directory.models import ContactKind, ContactPoint, Person
from filon.groups import links
from filon.network.models import GroupAnnouncement, GroupMembership
from filon.ops.mail import send_message
from filon.ops.notify import LANGUAGES, Recipient, render_message, site_url

log = logging.getLogger(__name__)

BATCH = 500
FOLDER = "groups/email"


def recipients(group_id: int) -> Iterator[tuple[Person, Recipient]]:
    """The subscribed members of a group with an address, in batches of :data:`BATCH`."""
    ids = list(
        GroupMembership.objects.filter(group_id=group_id, mail_opt_out=False)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        people = Person.objects.in_bulk(chunk)
        accounts = {
            u.person_id: u
            for u in User.objects.filter(person_id__in=chunk, is_active=True).only(
                "email", "language", "person_id"
            )
        }
        emails: dict[int, str] = {}
        for cp in (
            ContactPoint.objects.filter(person_id__in=chunk, kind=ContactKind.EMAIL)
            .exclude(person_id__in=list(accounts))
            .order_by("person_id", "-is_primary", "pk")
        ):
            emails.setdefault(cp.person_id, cp.value)
        for pid in chunk:
            person = people.get(pid)
            if person is None:
                continue
            account = accounts.get(pid)
            if account is not None:
                language = account.language if account.language in LANGUAGES else "fr"
                yield person, Recipient(account.email, language, person.first_name)
            elif pid in emails:
                yield person, Recipient(emails[pid], "fr", person.first_name)


def message_for(
    announcement: GroupAnnouncement, person: Person, recipient: Recipient
) -> EmailMultiAlternatives:
    group = announcement.group
    unsubscribe = links.unsubscribe_url(group.pk, person.pk)
    subject, text, html = render_message(
        "announcement",
        {
            "recipient": recipient,
            "group": group,
            "announcement": announcement,
            "author": announcement.author,
            "group_url": site_url("groups:detail", group.pk),
            "unsubscribe_url": unsubscribe,
        },
        recipient.language,
        folder=FOLDER,
    )
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "filon"
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [recipient.email],
        headers={
            "Content-Language": recipient.language,
            "Auto-Submitted": "auto-generated",
            "Precedence": "list",
            "List-Id": f"<group-{group.pk}.{host}>",
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def deliver(announcement_id: int) -> dict[str, Any]:
    """Queue the announcement's e-mail for every subscribed member; once only."""
    announcement = (
        GroupAnnouncement.objects.select_related("group", "author")
        .filter(pk=announcement_id)
        .first()
    )
    if announcement is None:
        return {"status": "gone"}
    if announcement.sent_at is not None:
        return {"status": "already sent", "recipients": announcement.recipients}
    sent = 0
    for person, recipient in recipients(announcement.group_id):
        send_message(message_for(announcement, person, recipient), "group_announcement")
        sent += 1
    GroupAnnouncement.objects.filter(pk=announcement.pk).update(
        recipients=sent, sent_at=timezone.now()
    )
    log.info("group announcement %s queued for %d members", announcement.pk, sent)
    return {"status": "sent", "recipients": sent}


@task()
def send_announcement(announcement_id: int) -> dict[str, Any]:
    """The background job: mail one announcement to its group (see :func:`deliver`)."""
    return deliver(announcement_id)
