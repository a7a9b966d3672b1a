"""The events part of a person's personal data (GDPR), for :mod:`filon.directory.gdpr`."""

from __future__ import annotations

from typing import Any

from filon.directory.gdpr import Part, Subject, iso, register
from filon.events.models import Event, EventAttendance, Registration


def export(subject: Subject) -> dict[str, Any]:
    data: dict[str, Any] = {"registrations": [], "attendance": [], "events_created": []}
    if subject.person is not None:
        data["registrations"] = [
            {
                "event": r.event.title,
                "starts_at": iso(r.event.starts_at),
                "registered_at": iso(r.registered_at),
                "cancelled_at": iso(r.cancelled_at),
            }
            for r in Registration.objects.filter(person=subject.person).select_related("event")
        ]
        data["attendance"] = [
            {"event": a.event.title, "marked_at": iso(a.marked_at)}
            for a in EventAttendance.objects.filter(person=subject.person).select_related("event")
        ]
    if subject.account is not None:
        data["events_created"] = [
            {"event": e.title, "starts_at": iso(e.starts_at)}
            for e in Event.objects.filter(created_by=subject.account)
        ]
    return data


def erase(subject: Subject) -> dict[str, int]:
    if subject.person is None:
        return {}
    return {
        "registrations": Registration.objects.filter(person=subject.person).delete()[0],
        "attendance": EventAttendance.objects.filter(person=subject.person).delete()[0],
    }


register(
    Part(
        key="events",
        models=("events.Event", "events.Registration", "events.EventAttendance"),
        export=export,
        erase=erase,
        kept="Les événements créés par un compte de l'équipe restent (ils sont à l'association).",
    )
)
