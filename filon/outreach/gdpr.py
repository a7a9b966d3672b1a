"""The outreach part of a member's personal data (GDPR): what the export shows and what
erasure removes, registered with :mod:`filon.directory.gdpr` (run inside the caller's
transaction)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from filon.directory.gdpr import Part, Subject, register
from filon.directory.models import Person
from filon.outreach.models import (
    INTRO_PENDING,
    ActionLink,
    Ask,
    ContactRequest,
    HelpEntry,
    HelpLedger,
    Introduction,
    IntroStatus,
    Offer,
    RequestStatus,
)

ERASED = "[effacé]"


def personal_data(person: Person) -> dict[str, Any]:
    """Asks, offers, messages and introductions of a member, others named by name only."""

    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "asks": [
            {"kind": a.kind, "title": a.title, "text": a.text, "status": a.status,
             "deadline": iso(a.deadline), "created_at": iso(a.created_at),
             "other_organisations": a.other_organisations}
            for a in Ask.objects.filter(person=person)
        ],
        "offers": [
            {"kind": o.kind, "title": o.title, "text": o.text, "is_active": o.is_active,
             "capacity_per_month": o.capacity_per_month, "created_at": iso(o.created_at),
             "other_organisations": o.other_organisations}
            for o in Offer.objects.filter(person=person)
        ],
        "contact_requests": [
            {"from": r.sender.full_name, "to": r.recipient.full_name, "message": r.message,
             "status": r.status, "created_at": iso(r.created_at), "met_on": iso(r.met_on),
             "meeting_note": r.meeting_note if r.sender_id == person.pk else ""}
            for r in ContactRequest.objects.filter(Q(sender=person) | Q(recipient=person))
            .select_related("sender", "recipient")
        ],
        "introductions": [
            {"requester": i.requester.full_name, "connector": i.connector.full_name,
             "target": i.target.full_name, "reason": i.reason, "status": i.status,
             "created_at": iso(i.created_at)}
            for i in Introduction.objects.filter(
                Q(requester=person) | Q(connector=person) | Q(target=person)
            ).select_related("requester", "connector", "target")
        ],
    }  # fmt: skip


def erase(person: Person) -> None:
    """Delete the member's asks and offers; blank the texts they wrote; close what waits."""
    Ask.objects.filter(person=person).delete()
    Offer.objects.filter(person=person).delete()
    HelpLedger.objects.filter(person=person).delete()
    ActionLink.objects.filter(person=person).delete()
    ContactRequest.objects.filter(sender=person).update(message=ERASED, meeting_note="")
    ContactRequest.objects.filter(
        Q(sender=person) | Q(recipient=person), status=RequestStatus.PENDING
    ).update(status=RequestStatus.WITHDRAWN)
    Introduction.objects.filter(requester=person).update(reason=ERASED, meeting_note="")
    Introduction.objects.filter(connector=person).update(connector_note="")
    Introduction.objects.filter(
        Q(requester=person) | Q(connector=person) | Q(target=person), status__in=INTRO_PENDING
    ).update(status=IntroStatus.WITHDRAWN)


def _export(subject: Subject) -> dict[str, Any] | None:
    return personal_data(subject.person) if subject.person is not None else None


def _erase(subject: Subject) -> None:
    if subject.person is not None:
        erase(subject.person)
        # Help given or received names the person on the other member's ledger: it goes.
        HelpEntry.objects.filter(Q(helper=subject.person) | Q(helped=subject.person)).delete()


register(
    Part(
        key="outreach",
        models=(
            "outreach.Ask",
            "outreach.Offer",
            "outreach.ContactRequest",
            "outreach.Introduction",
            "outreach.ActionLink",
            "outreach.HelpEntry",
            "outreach.HelpLedger",
        ),
        export=_export,
        erase=_erase,
        kept=(
            "Les demandes de contact et de présentation reçues par d'autres, sans son message : "
            "elles font partie de leur historique."
        ),
    )
)
