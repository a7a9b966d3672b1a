"""Writes on events: one transaction and one audit row each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filon.audit.actions import record
from filon.directory.models import Person
from filon.directory.privacy import is_staff
from filon.events.models import Event, EventAttendance, Registration
from filon.network.models import Tie, TieKind
from filon.ops.notify import send_to, site_url

#: Strength of a tie declared after meeting at an event: weak, but real.
EVENT_TIE_STRENGTH = 0.3
EVENT_FIELDS = (
    "title",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "link",
    "capacity",
    "group",
)


class EventError(Exception):
    message: Any = _("Cette action n'est pas possible.")

    def __init__(self, message: Any = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class NotAllowed(EventError):
    message = _("Réservé à l'équipe de l'association.")


class Full(EventError):
    message = _("L'événement est complet.")


def _staff(user: Any) -> None:
    if not is_staff(user):
        raise NotAllowed


def create_event(user: Any, **fields: Any) -> Event:
    _staff(user)
    with transaction.atomic():
        event = Event.objects.create(
            created_by=user, **{k: fields[k] for k in fields if k in EVENT_FIELDS}
        )
        record("events.create", actor=user, target=event, kind=event.kind)
    return event


def update_event(user: Any, event: Event, **fields: Any) -> Event:
    _staff(user)
    with transaction.atomic():
        changed = []
        for name, value in fields.items():
            if name not in (*EVENT_FIELDS, "is_cancelled"):
                raise ValueError(name)
            if getattr(event, name) != value:
                setattr(event, name, value)
                changed.append(name)
        event.save()
        record("events.update", actor=user, target=event, fields=changed)
    return event


def _person(user: Any) -> Person:
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        raise EventError(_("Votre compte n'est relié à aucune fiche de l'annuaire."))
    return Person.objects.get(pk=person_id)


def register(user: Any, event: Event) -> Registration:
    """Register the member; refused when the event is full, cancelled or over."""
    person = _person(user)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.is_cancelled or event.has_started:
            raise EventError(_("Les inscriptions sont closes."))
        registration = Registration.objects.filter(event=event, person=person).first()
        if registration is not None and registration.is_active:
            return registration
        taken = Registration.objects.filter(event=event, cancelled_at__isnull=True).count()
        if event.capacity is not None and taken >= event.capacity:
            raise Full
        if registration is None:
            registration = Registration.objects.create(event=event, person=person)
        else:
            registration.cancelled_at = None
            registration.registered_at = timezone.now()
            registration.save(update_fields=["cancelled_at", "registered_at"])
        record("events.register", actor=user, target=event, person_id=person.pk)
    return registration


def cancel_registration(user: Any, event: Event) -> Registration | None:
    person = _person(user)
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .filter(event=event, person=person, cancelled_at__isnull=True)
            .first()
        )
        if registration is None:
            return None
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["cancelled_at"])
        record("events.cancel_registration", actor=user, target=event, person_id=person.pk)
    return registration


def mark_attendance(user: Any, event: Event, present: Iterable[int]) -> dict[str, int]:
    """Staff set who came (among the registered, and anyone else they add by id).

    Newly marked attendees of an event that has started are asked, by e-mail and on their
    home page, whom they met.
    """
    _staff(user)
    wanted = set(present)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if not event.has_started:
            raise EventError(_("Les présences se notent une fois l'événement commencé."))
        existing = set(
            EventAttendance.objects.filter(event=event).values_list("person_id", flat=True)
        )
        valid = set(Person.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        added = valid - existing
        removed = existing - valid
        EventAttendance.objects.filter(event=event, person_id__in=removed).delete()
        now = timezone.now()
        EventAttendance.objects.bulk_create(
            [
                EventAttendance(event=event, person_id=pid, marked_by=user, prompted_at=now)
                for pid in sorted(added)
            ]
        )
        url = site_url("events:met", event.pk)
        for person in Person.objects.filter(pk__in=added):
            send_to(person, "event_met_prompt", {"event": event, "page_url": url})
        record(
            "events.attendance", actor=user, target=event, added=len(added), removed=len(removed)
        )
    return {"added": len(added), "removed": len(removed)}


def log_met(user: Any, event: Event, met: Iterable[int]) -> int:
    """An attendee says whom they met among the other attendees: each becomes an "event" tie."""
    person = _person(user)
    with transaction.atomic():
        attendance = (
            EventAttendance.objects.select_for_update().filter(event=event, person=person).first()
        )
        if attendance is None:
            raise EventError(_("Vous n'êtes pas noté présent à cet événement."))
        others = set(
            EventAttendance.objects.filter(event=event, person_id__in=set(met))
            .exclude(person=person)
            .values_list("person_id", flat=True)
        )
        created = 0
        for other in sorted(others):
            _tie, was_created = Tie.objects.get_or_create(
                source_person=person,
                target_person_id=other,
                kind=TieKind.EVENT,
                defaults={
                    "strength": EVENT_TIE_STRENGTH,
                    "source": f"filon:event:{event.pk}",
                    "since": timezone.localdate(event.starts_at),
                },
            )
            created += was_created
        attendance.met_logged_at = timezone.now()
        attendance.save(update_fields=["met_logged_at"])
        record("events.met", actor=user, target=event, people=len(others), ties_created=created)
    return created
