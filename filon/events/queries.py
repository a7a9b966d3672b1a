"""Reads for events: listings, places left, who registered and who came."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from filon.directory.models import Person
from filon.directory.privacy import Viewer, can_find
from filon.events.models import Event, EventAttendance, Registration

#: How long after an event its attendees are asked, on their home page, whom they met.
PROMPT_DAYS = 30


def with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(
        registered=Count("registrations", filter=Q(registrations__cancelled_at__isnull=True))
    )


def upcoming() -> QuerySet[Event]:
    """Events not over yet (an event without an end is over a day after it starts)."""
    now = timezone.now()
    return with_counts(
        Event.objects.filter(
            Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now - timedelta(days=1))
        ).order_by("starts_at", "pk")
    )


def past(limit: int = 20) -> list[Event]:
    now = timezone.now()
    events = Event.objects.filter(
        Q(ends_at__lt=now) | Q(ends_at__isnull=True, starts_at__lt=now - timedelta(days=1))
    )
    return list(with_counts(events).order_by("-starts_at", "-pk")[:limit])


def event_for(pk: int) -> Event | None:
    return with_counts(Event.objects.filter(pk=pk)).first()


def places_left(event: Any) -> int | None:
    if event.capacity is None:
        return None
    return max(event.capacity - int(getattr(event, "registered", 0) or 0), 0)


def registration_of(event: Event, person_id: int | None) -> Registration | None:
    if person_id is None:
        return None
    return Registration.objects.filter(
        event=event, person_id=person_id, cancelled_at__isnull=True
    ).first()


def roster(event: Event) -> list[dict[str, Any]]:
    """Staff: everyone registered or marked present, with both facts."""
    present = set(EventAttendance.objects.filter(event=event).values_list("person_id", flat=True))
    rows: dict[int, dict[str, Any]] = {}
    for reg in Registration.objects.filter(event=event).select_related("person"):
        rows[reg.person_id] = {
            "person": reg.person,
            "registered": reg.is_active,
            "present": reg.person_id in present,
        }
    for pid in present - rows.keys():
        person = Person.objects.get(pk=pid)
        rows[pid] = {"person": person, "registered": False, "present": True}
    return sorted(rows.values(), key=lambda r: (r["person"].last_name, r["person"].first_name))


def fellow_attendees(viewer: Viewer, event: Event) -> list[Person]:
    """The other attendees an attendee may pick as "met" (those the viewer may find)."""
    people = Person.objects.filter(event_attendances__event=event)
    return [
        p
        for p in people.order_by("last_name", "first_name")
        if p.pk != viewer.person_id and can_find(viewer, p)
    ]


def attended(event: Event, person_id: int | None) -> EventAttendance | None:
    if person_id is None:
        return None
    return EventAttendance.objects.filter(event=event, person_id=person_id).first()


def met_prompts(person_id: int | None) -> list[EventAttendance]:
    """Recent events the member attended without saying yet whom they met."""
    if person_id is None:
        return []
    since = timezone.now() - timedelta(days=PROMPT_DAYS)
    return list(
        EventAttendance.objects.filter(
            person_id=person_id, met_logged_at__isnull=True, event__starts_at__gte=since
        ).select_related("event")[:5]
    )
