"""`filon import linkedin`: a member's Connections.csv, with its leading notes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from filon.directory.models import Person
from filon.imports.base import Status
from filon.network.models import Tie
from filon.orgs.models import Organisation
from tests.imports.conftest import fixture, run

pytestmark = pytest.mark.django_db

SAMPLE = fixture("linkedin", "Connections.SYNTHETIC-example.csv")


@pytest.fixture
def claire(make_person: Any) -> Person:
    person = make_person("Claire", "Dumas", contacts=False)
    person.contact_points.create(kind="email", value="claire.dumas@example.org")
    return person


def test_connections_become_people_with_positions_and_ties(claire: Person) -> None:
    start_up = Organisation.objects.create(name="Start-up Imaginaire", kind="startup")
    report = run("linkedin", SAMPLE.read_bytes(), SAMPLE.name, member="claire.dumas@example.org")
    assert report.errors == []
    assert [(i.line, i.label, i.status) for i in report.items] == [
        (5, "Camille Exemple", Status.CREATED),
        (6, 'Louis Martin "LM"', Status.CREATED),
        (7, "Nadia Test", Status.CREATED),
    ]
    louis = Person.objects.get(last_name='Martin "LM"')
    position = louis.positions.get()
    # "Start-up Imaginaire SAS" is the organisation already known, whatever its legal form.
    assert (position.title, position.organisation) == ("CTO", start_up)
    assert louis.contact_points.get().value == "louis.martin@example.org"
    ties = Tie.objects.filter(source_person=claire, kind="linkedin").order_by("since")
    assert [(t.target_person.last_name, t.since) for t in ties] == [
        ('Martin "LM"', date(2021, 11, 17)),
        ("Exemple", date(2024, 3, 3)),
        ("Test", date(2026, 1, 1)),
    ]
    camille = Person.objects.get(last_name="Exemple")
    assert camille.external_ids.get().value == "linkedin.com/in/camille-exemple-000000"


def test_an_unknown_member_refuses_the_whole_file(counts: Any) -> None:
    before = counts()
    report = run("linkedin", SAMPLE.read_bytes(), member="personne@example.org")
    assert [(e.line, e.field, e.value) for e in report.errors] == [
        (1, "membre", "personne@example.org")
    ]
    assert counts() == before


def test_a_connection_already_in_the_directory_is_linked_not_duplicated(
    claire: Person, make_person: Any
) -> None:
    louis = make_person("Louis", "Martin", contacts=False)
    louis.contact_points.create(kind="email", value="louis.martin@example.org")
    report = run("linkedin", SAMPLE.read_bytes(), member="claire.dumas@example.org")
    assert report.items[1].status == Status.UPDATED
    assert Tie.objects.filter(source_person=claire, target_person=louis).exists()


def test_reimporting_connections_changes_nothing(claire: Person, counts: Any) -> None:
    run("linkedin", SAMPLE.read_bytes(), member="claire.dumas@example.org")
    before = counts()
    report = run("linkedin", SAMPLE.read_bytes(), member="claire.dumas@example.org")
    assert [i.status for i in report.items] == [Status.UNCHANGED] * 3
    assert counts()["network.Tie"] == before["network.Tie"] == 3
    assert counts()["directory.Person"] == before["directory.Person"]


def test_an_export_without_preamble_or_url_column_is_read(claire: Person) -> None:
    text = (
        "First Name,Last Name,Email Address,Company,Position,Connected On\r\n"
        "Ana,Silva,,ESA,Engineer,07 Dec 2025\r\n"
    )
    report = run("linkedin", text.encode(), member="claire.dumas@example.org")
    assert report.errors == []
    assert Person.objects.get(last_name="Silva").positions.get().organisation.name == "ESA"


def test_bad_dates_and_addresses_are_reported_with_their_line(claire: Person) -> None:
    text = (
        SAMPLE.read_text(encoding="utf-8")
        .replace("17 Nov 2021", "2021-13-45")
        .replace("louis.martin@example.org", "louis.martin@")
    )
    report = run("linkedin", text.encode(), member="claire.dumas@example.org")
    assert [(e.line, e.field) for e in report.errors] == [(6, "Email Address"), (6, "Connected On")]
