"""The audit part of a person's personal data (GDPR), for :mod:`filon.directory.gdpr`: the log's
entries about them (exported), their names and addresses scrubbed from every entry's details,
from the admin's history and from the outbox on erasure."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from filon.audit import outbox
from filon.audit.models import AuditEntry
from filon.directory.gdpr import ERASED_TEXT, Part, Subject, iso, needles, register, scrub


def _about(subject: Subject) -> Q:
    match = Q(pk__in=[])
    if subject.account is not None:
        match |= Q(actor=subject.account)
        match |= Q(target_type="accounts.user", target_id=str(subject.account.pk))
    if subject.person is not None:
        match |= Q(target_type="directory.person", target_id=str(subject.person.pk))
    return match


def export(subject: Subject) -> list[dict[str, Any]]:
    account_id = subject.account.pk if subject.account is not None else None
    return [
        {
            "at": iso(e.at),
            "action": e.action,
            "by_me": account_id is not None and e.actor_id == account_id,
            "target_type": e.target_type,
            "target_id": e.target_id,
            "details": e.details,
        }
        for e in AuditEntry.objects.filter(_about(subject)).order_by("at", "pk")
    ]


def erase(subject: Subject) -> dict[str, int]:
    strings = subject.strings
    done = {"audit_entries_scrubbed": 0, "admin_history_scrubbed": 0, "outbox_messages": 0}
    if not strings:
        return done
    match = Q()
    for needle in needles(strings):
        match |= Q(details_text__icontains=needle)
    entries = AuditEntry.objects.annotate(details_text=Cast("details", TextField())).filter(match)
    for entry in entries:
        cleaned = scrub(entry.details, strings)
        if cleaned != entry.details:
            AuditEntry.objects.filter(pk=entry.pk).update(details=cleaned)
            done["audit_entries_scrubbed"] += 1
    from django.contrib.admin.models import LogEntry

    text = Q()
    for s in strings:
        text |= Q(object_repr__icontains=s) | Q(change_message__icontains=s)
    for log in LogEntry.objects.filter(text):
        LogEntry.objects.filter(pk=log.pk).update(
            object_repr=ERASED_TEXT, change_message=scrub(log.change_message, strings)
        )
        done["admin_history_scrubbed"] += 1
    # The files are not part of the transaction: they go once it commits.
    transaction.on_commit(lambda: outbox.forget(strings))
    done["outbox_messages"] = sum(
        1
        for path in outbox.files()
        for m in outbox.split(_read(path))
        if outbox.mentions(m, strings)
    )
    return done


def _read(path: Any) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


register(
    Part(
        key="audit_entries",
        models=("audit.AuditEntry", "admin.LogEntry"),
        export=export,
        erase=erase,
        kept=(
            "Les lignes du journal d'audit (qui a fait quoi, quand), sans nom, adresse ni "
            "téléphone ; le courrier de la boîte d'envoi qui la nomme est supprimé."
        ),
        order=99,
    )
)
