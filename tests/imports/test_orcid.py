"""`filon import orcid`: ORCID API v3.0 records, JSON or XML."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from filon.directory.models import Person, Position
from filon.imports.base import Status
from filon.imports.models import PersonFunding, PersonIdentifier
from filon.orgs.models import OrgIdentifier
from tests.imports.conftest import fixture, run

pytestmark = pytest.mark.django_db

CARBERRY = fixture("orcid", "orcid-public-record_0000-0002-1825-0097_josiah-carberry.json")


def test_a_public_record_gives_the_person_and_their_employments() -> None:
    report = run("orcid", CARBERRY.read_bytes(), CARBERRY.name)
    assert report.errors == []
    person = Person.objects.get()
    assert (person.first_name, person.last_name) == ("Josiah", "Carberry")
    assert PersonIdentifier.objects.get(person=person).value == "0000-0002-1825-0097"
    jobs = {p.organisation.name: p for p in person.positions.all()}
    assert set(jobs) == {"Wesleyan University", "Brown University"}
    assert jobs["Wesleyan University"].title == "Professor (Psychoceramics)"
    # Organisations are found again by their RINGGOLD identifier.
    assert (
        OrgIdentifier.objects.get(value="ringgold:5468").organisation.name == "Wesleyan University"
    )


def test_a_full_json_record_gives_fundings() -> None:
    report = run(
        "orcid", fixture("orcid", "orcid-model_read_samples_record-full-3.0.json").read_bytes()
    )
    assert report.errors == []
    funding = PersonFunding.objects.get()
    assert (funding.title, funding.kind, funding.grant_number) == ("Grant title", "grant", "1234")
    assert funding.start == date(2000, 2, 2)
    # The funder is found by its FundRef identifier (the sample's employer shares it).
    assert funding.funder.identifiers.filter(
        value="fundref:http://dx.doi.org/10.13039/100000001"
    ).exists()


def test_an_xml_record_then_its_activities_documents() -> None:
    record = run("orcid", fixture("orcid", "orcid-model_read_samples_record-3.0.xml").read_bytes())
    assert record.errors == []
    person = Person.objects.get(external_ids__value="8888-8888-8888-8880")
    assert person.positions.filter(kind="employment").exists()
    funding = run(
        "orcid", fixture("orcid", "orcid-model_read_samples_funding-full-3.0.xml").read_bytes()
    )
    assert funding.errors == []
    assert [i.status for i in funding.items] == [Status.UPDATED]
    amount = PersonFunding.objects.filter(person=person, amount__isnull=False).get()
    assert (amount.amount, amount.currency) == (Decimal("1234.00"), "ADP")
    employments = run(
        "orcid", fixture("orcid", "orcid-model_read_samples_employments-3.0.xml").read_bytes()
    )
    assert employments.errors == []
    assert Position.objects.filter(person=person).count() >= 2


def test_activities_of_an_unknown_person_are_refused(counts: Any) -> None:
    before = counts()
    report = run(
        "orcid", fixture("orcid", "orcid-model_read_samples_fundings-3.0.xml").read_bytes()
    )
    assert [(e.line, e.field, e.value) for e in report.errors] == [
        (1, "path", "8888-8888-8888-8888")
    ]
    assert counts() == before


def test_a_write_payload_is_not_a_record() -> None:
    report = run(
        "orcid", fixture("orcid", "orcid-model_write_samples_employment-3.0.json").read_bytes()
    )
    assert [e.field for e in report.errors] == ["orcid-identifier"]


def test_xml_with_entities_is_refused_before_parsing(counts: Any) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><record>&b;</record>'
    )
    before = counts()
    report = run("orcid", bomb)
    assert [e.field for e in report.errors] == ["XML"]
    assert counts() == before


def test_reimporting_a_record_changes_nothing() -> None:
    run("orcid", CARBERRY.read_bytes())
    report = run("orcid", CARBERRY.read_bytes())
    assert [i.status for i in report.items] == [Status.UNCHANGED]
    assert Position.objects.count() == 2
