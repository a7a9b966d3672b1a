"""Sending e-mail from the task queue: retried with back-off, bounces recorded.

:func:`send_message` queues a message once the current transaction commits (a rolled-back
action sends nothing); the worker's :func:`deliver` sends it. A temporary failure (the server
is down, a 4xx answer) is tried again after 1 minute, 5 minutes, 30 minutes and 2 hours; a
permanent refusal (a 5xx answer) or the last failed try is recorded as an
:class:`~filon.ops.models.EmailBounce`, without retrying. Logs never name the recipient.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.utils import timezone

from filon.ops.redact import redact

log = logging.getLogger(__name__)

# Seconds to wait before each new try; after the last one, the message is given up.
RETRY_DELAYS = (60, 300, 1800, 7200)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


class Refused(Exception):
    """The server refused the message for good (5xx): retrying will not help."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class Deferred(Exception):
    """The message could not go out now (connection, timeout, 4xx): try again later."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def serialize(message: EmailMessage, name: str) -> dict[str, Any]:
    """A message as JSON for the task queue (the task's argument)."""
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                html = str(content)
    return {
        "name": name,
        "subject": message.subject,
        "body": message.body,
        "html": html,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
    }


def build(payload: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        payload["subject"],
        payload["body"],
        payload["from_email"],
        payload["to"],
        cc=payload.get("cc") or None,
        reply_to=payload.get("reply_to") or None,
        headers=payload.get("headers") or {},
    )
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    return message


def _smtp_failure(exc: Exception) -> Refused | Deferred:
    """Sort an SMTP or network error into a permanent refusal or a temporary failure."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        texts = [_text_of(text) for _code, text in exc.recipients.values()]
        code = max(codes) if codes else None
        reason = "; ".join(texts)
        if codes and min(codes) >= 500:
            return Refused(code, reason)
        return Deferred(code, reason)
    if isinstance(exc, smtplib.SMTPResponseException):
        reason = _text_of(exc.smtp_error)
        if exc.smtp_code >= 500:
            return Refused(exc.smtp_code, reason)
        return Deferred(exc.smtp_code, reason)
    return Deferred(None, type(exc).__name__)


def _text_of(value: Any) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return redact(" ".join(text.split()))[:200]


def send_now(payload: dict[str, Any]) -> None:
    """Send one message; raise :class:`Refused` or :class:`Deferred` when it did not go."""
    try:
        sent = get_connection(fail_silently=False).send_messages([build(payload)])
    except (smtplib.SMTPException, OSError) as exc:
        raise _smtp_failure(exc) from None
    if not sent:
        raise Deferred(None, "the backend sent nothing")


def deliver(payload: dict[str, Any], attempt: int = 1, *, can_defer: bool = True) -> dict[str, Any]:
    """Try to send ``payload`` (try number ``attempt``); on a temporary failure, queue the
    next try after its delay. Returns what happened, kept as the task's result."""
    from filon.ops.models import BounceKind

    name = str(payload.get("name", ""))[:64]
    try:
        send_now(payload)
    except Refused as exc:
        _record(payload, BounceKind.REJECTED, exc.code, exc.reason, attempt)
        log.warning("e-mail %s refused (code %s, try %d): not retried", name, exc.code, attempt)
        return {"status": "refused", "code": exc.code, "attempt": attempt}
    except Deferred as exc:
        if attempt < MAX_ATTEMPTS and can_defer:
            delay = RETRY_DELAYS[attempt - 1]
            from filon.ops.queue import send_email

            run_after = timezone.now() + timedelta(seconds=delay)
            send_email.using(run_after=run_after).enqueue(payload, attempt + 1)
            log.warning(
                "e-mail %s not sent (code %s, try %d): next try in %d s",
                name,
                exc.code,
                attempt,
                delay,
            )
            return {"status": "retry", "code": exc.code, "attempt": attempt, "delay": delay}
        _record(payload, BounceKind.GAVE_UP, exc.code, exc.reason, attempt)
        log.error("e-mail %s given up after %d tries (code %s)", name, attempt, exc.code)
        return {"status": "gave_up", "code": exc.code, "attempt": attempt}
    return {"status": "sent", "attempt": attempt}


def _record(
    payload: dict[str, Any], kind: str, code: int | None, reason: str, attempt: int
) -> None:
    from filon.ops.models import EmailBounce

    EmailBounce.objects.bulk_create(
        EmailBounce(
            address=address[:254],
            message=str(payload.get("name", ""))[:64],
            kind=kind,
            code=code,
            reason=reason[:200],
            attempts=attempt,
        )
        for address in payload.get("to", [])
    )


def send_message(message: EmailMessage, name: str) -> None:
    """Queue ``message`` (``name``: its template, for the records) for the worker to send,
    once the current transaction commits (at once outside a transaction)."""
    from filon.ops.queue import enqueue, send_email

    enqueue(send_email, serialize(message, name))
