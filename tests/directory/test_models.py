"""The directory's models: promo labels, phone numbers, folded names, date order, reference data."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from filon.directory.models import Affiliation, ContactPoint, Person, Position, School
from filon.orgs.models import Organisation, Sector


def test_affiliation_promo_label(db: None) -> None:
    paris = School.objects.get(code="P")
    assert Affiliation(school=paris, track="ingenieur_civil", year=1958).promo == "P58"
    nancy = School.objects.get(code="N")
    assert Affiliation(school=nancy, track="docteur", year=2005).promo == "N05"


def test_contact_point_clean_normalises_a_phone_to_e164() -> None:
    cp = ContactPoint(kind="phone", value="06 12 34 56 78")
    cp.clean()
    assert cp.value == "+33612345678"


def test_contact_point_clean_rejects_an_invalid_phone_on_its_value() -> None:
    cp = ContactPoint(kind="phone", value="12")
    with pytest.raises(ValidationError) as info:
        cp.clean()
    assert list(info.value.error_dict) == ["value"]


def test_contact_point_clean_lower_cases_an_email() -> None:
    cp = ContactPoint(kind="email", value="  Claire.Dumas@Example.ORG ")
    cp.clean()
    assert cp.value == "claire.dumas@example.org"


def test_phone_is_displayed_in_the_national_format() -> None:
    cp = ContactPoint(kind="phone", value="+33612345678")
    assert cp.display == "06 12 34 56 78"
    assert str(cp) == "06 12 34 56 78"
    assert ContactPoint(kind="email", value="a@example.org").display == "a@example.org"


def test_person_save_sets_the_folded_name(db: None) -> None:
    person = Person.objects.create(first_name="Étienne", last_name="Lefèvre")
    assert person.name_folded == "etienne lefevre"
    assert Person.objects.get(name_folded="etienne lefevre") == person
    person.last_name = "Œuvrard"
    person.save()
    person.refresh_from_db()
    assert person.name_folded == "etienne oeuvrard"


def test_position_dates_must_be_in_order(db: None) -> None:
    person = Person.objects.create(first_name="Anne", last_name="Martin")
    org = Organisation.objects.create(name="Acme", kind="company")
    Position.objects.create(
        person=person, organisation=org, title="ok", start=date(2020, 1, 1), end=date(2020, 1, 1)
    )
    Position.objects.create(person=person, organisation=org, title="open", start=date(2021, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(
            person=person,
            organisation=org,
            title="backwards",
            start=date(2020, 1, 1),
            end=date(2019, 12, 31),
        )
    assert Position.objects.filter(person=person).count() == 2


def test_migrations_load_the_nace_sectors(db: None) -> None:
    assert Sector.objects.count() == 996
    sector = Sector.objects.get(code="30.30")
    assert sector.level == 4
    assert sector.parent_id == "30.3"


def test_migrations_load_the_three_schools(db: None) -> None:
    schools = {s.code: s for s in School.objects.select_related("organisation")}
    assert sorted(schools) == ["E", "N", "P"]
    assert all(s.organisation is not None for s in schools.values())
