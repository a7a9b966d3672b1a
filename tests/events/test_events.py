"""Events: staff create them, members register and cancel, staff mark who came; attendance is
recorded for the network graph, and attendees say whom they met (ties of kind "event")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from filon.accounts.models import Role, User
from filon.audit.models import AuditEntry
from filon.events import actions
from filon.events.models import Event, EventAttendance, Registration
from filon.network.models import Tie


@pytest.fixture(autouse=True)
def _send_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("filon.ops.queue.after_commit", lambda send: send())


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def people(make_person: Any, make_user: Any) -> dict[str, User]:
    return {
        "staff": make_user(Role.STAFF),
        "ann": make_user(person=make_person("Ann", "Un")),
        "bob": make_user(person=make_person("Bob", "Deux")),
        "cat": make_user(person=make_person("Cat", "Trois")),
    }


def new_event(staff: User, *, days: int = 7, capacity: int | None = None) -> Event:
    return actions.create_event(
        staff,
        title="Afterwork des docteurs",
        kind="afterwork",
        starts_at=timezone.now() + timedelta(days=days),
        place="Paris",
        capacity=capacity,
    )


def test_staff_create_events_members_cannot(people: dict[str, User]) -> None:
    data = {
        "title": "Déjeuner d'affaires",
        "kind": "lunch",
        "starts_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Lyon",
        "capacity": "12",
        "description": "",
        "ends_at": "",
        "link": "",
    }
    assert client_for(people["ann"]).post("/evenements/nouveau/", data).status_code == 403
    response = client_for(people["staff"]).post("/evenements/nouveau/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    assert event.capacity == 12 and event.created_by == people["staff"]
    assert AuditEntry.objects.filter(action="events.create").count() == 1
    # A visio needs a link.
    bad = client_for(people["staff"]).post("/evenements/nouveau/", {**data, "kind": "visio"})
    assert bad.status_code == 400


def test_members_register_and_cancel_within_capacity(people: dict[str, User]) -> None:
    event = new_event(people["staff"], capacity=2)
    for name in ("ann", "bob"):
        response = client_for(people[name]).post(f"/evenements/{event.pk}/inscription/")
        assert response.status_code == 302
    with pytest.raises(actions.Full):
        actions.register(people["cat"], event)
    html = client_for(people["cat"]).get(f"/evenements/{event.pk}/").content.decode()
    assert "complet" in html
    client_for(people["bob"]).post(f"/evenements/{event.pk}/desinscription/")
    actions.register(people["cat"], event)
    active = Registration.objects.filter(event=event, cancelled_at__isnull=True)
    assert sorted(r.person.first_name for r in active) == ["Ann", "Cat"]


def test_the_list_shows_upcoming_events_to_members(people: dict[str, User]) -> None:
    event = new_event(people["staff"], capacity=10)
    html = client_for(people["ann"]).get("/evenements/").content.decode()
    assert event.title in html and "10 places restantes" in html
    assert client_for(None).get("/evenements/").status_code == 302


def test_attendance_is_marked_by_staff_once_the_event_has_started(people: dict[str, User]) -> None:
    event = new_event(people["staff"])
    for name in ("ann", "bob", "cat"):
        actions.register(people[name], event)
    ids = [people[n].person_id for n in ("ann", "bob")]
    with pytest.raises(actions.EventError):
        actions.mark_attendance(people["staff"], event, ids)
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    url = f"/evenements/{event.pk}/presences/"
    assert client_for(people["ann"]).post(url, {"present": ids}).status_code == 403
    response = client_for(people["staff"]).post(url, {"present": [str(i) for i in ids]})
    assert response.status_code == 302
    attended = set(EventAttendance.objects.filter(event=event).values_list("person_id", flat=True))
    assert attended == set(ids)
    # Each new attendee is asked, by e-mail, whom they met.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(people[n].email for n in ("ann", "bob"))
    assert "Qui avez-vous rencontré" in mail.outbox[0].subject
    # …and on their home page.
    assert (
        "Qui avez-vous rencontré à « Afterwork des docteurs »"
        in client_for(people["ann"])
        .get("/entraide/accueil/", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert (
        "Qui avez-vous rencontré"
        not in client_for(people["cat"])
        .get("/entraide/accueil/", HTTP_HX_REQUEST="true")
        .content.decode()
    )


def test_attendees_log_whom_they_met_as_event_ties(people: dict[str, User]) -> None:
    event = new_event(people["staff"])
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    event.refresh_from_db()
    ids = [people[n].person_id for n in ("ann", "bob", "cat")]
    actions.mark_attendance(people["staff"], event, ids[:2])
    url = f"/evenements/{event.pk}/rencontres/"
    page = client_for(people["ann"]).get(url).content.decode()
    assert "Bob Deux" in page and "Cat Trois" not in page
    # Only fellow attendees can be named.
    response = client_for(people["ann"]).post(url, {"met": [str(ids[1]), str(ids[2])]})
    assert response.status_code == 302
    tie = Tie.objects.get()
    assert (tie.source_person_id, tie.target_person_id, tie.kind) == (ids[0], ids[1], "event")
    assert tie.source == f"filon:event:{event.pk}"
    assert EventAttendance.objects.get(person_id=ids[0]).met_logged_at is not None
    assert (
        "Qui avez-vous rencontré"
        not in client_for(people["ann"])
        .get("/entraide/accueil/", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    # Someone who did not come cannot log anything.
    assert client_for(people["cat"]).get(url).status_code == 404


def test_registration_closes_when_the_event_starts(people: dict[str, User]) -> None:
    event = new_event(people["staff"])
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    client_for(people["ann"]).post(f"/evenements/{event.pk}/inscription/")
    assert not Registration.objects.exists()
