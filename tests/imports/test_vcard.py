"""`filon import vcard`: real address-book exports (ez-vcard's test files), versions 2.1 to 4.0."""

from __future__ import annotations

from typing import Any

import pytest

from filon.directory.models import ContactPoint, Person
from filon.imports.base import Status
from filon.imports.models import PersonIdentifier
from tests.imports.conftest import FIXTURES, fixture, run

pytestmark = pytest.mark.django_db

VCARDS = sorted((FIXTURES / "vcard").glob("*.vcf"))


def test_the_shipped_samples_are_all_there() -> None:
    assert len(VCARDS) == 18


@pytest.mark.parametrize("path", VCARDS, ids=lambda p: p.name)
def test_every_real_vcard_file_imports_without_error(path: Any) -> None:
    report = run("vcard", path.read_bytes(), path.name)
    assert report.errors == []
    assert report.written
    cards = path.read_text(encoding="utf-8", errors="replace").upper().count("BEGIN:VCARD")
    assert report.rows == cards
    for person in Person.objects.all():
        assert person.last_name
        for phone in person.contact_points.filter(kind="phone"):
            assert phone.value.startswith("+") and phone.value[1:].isdigit()


def person_with(email: str) -> Person:
    return ContactPoint.objects.get(kind="email", value=email).person


def phones(person: Person) -> list[tuple[str, str]]:
    return sorted(person.contact_points.filter(kind="phone").values_list("value", "label"))


def test_names_and_phones_come_out_right() -> None:
    for name in (
        "rfc6350-example.vcf",
        "rfc2426-example.vcf",
        "issue114.vcf",
        "John_Doe_LOTUS_NOTES.vcf",
        "John_Doe_EVOLUTION.vcf",
        "outlook-2007.vcf",
        "John_Doe_ANDROID.vcf",
    ):
        report = run("vcard", fixture("vcard", name).read_bytes(), name)
        assert report.errors == [], name
    simon = person_with("simon.perreault@viagenie.ca")  # vCard 4.0, tel: URIs with ;ext=
    assert (simon.first_name, simon.last_name) == ("Simon", "Perreault")
    assert phones(simon) == [("+14182626501", "mobile"), ("+14186569254", "travail")]
    assert simon.positions.get().organisation.name == "Viagenie"
    frank = person_with("frank_dawson@lotus.com")  # vCard 3.0 (RFC 2426), two cards in a file
    assert (frank.first_name, frank.last_name) == ("Frank", "Dawson")
    assert phones(frank) == [("+19196769515", "travail"), ("+19196769564", "travail")]
    assert person_with("howes@netscape.com").last_name == "Howes"
    dummy = person_with("dummy.dummy@dummy.com")  # vCard 4.0 with a German number
    assert ("+49987654321", "travail") in phones(dummy)
    lotus = person_with("john.doe@ibm.com")  # "00-1-212-555-7777": 00 is the international prefix
    assert ("+12125557777", "travail") in phones(lotus)
    assert PersonIdentifier.objects.filter(scheme="vcard", person=lotus).exists()
    mike = person_with("mike.angstadt@gmail.com")  # vCard 2.1, quoted-printable
    assert (mike.first_name, mike.last_name, mike.gender) == ("Michael", "Angstadt", "m")
    # Android, vCard 2.1: names in quoted-printable UTF-8, cards without a name.
    assert person_with("bob@company.com").first_name == "Ñ Ñ Ñ"
    assert person_with("jane.doe@company.com").last_name == "Doe"


def test_fictitious_numbers_are_skipped_with_a_warning_not_an_error() -> None:
    report = run("vcard", fixture("vcard", "outlook-2003.vcf").read_bytes())
    assert report.errors == [] and report.written
    assert {w.value for w in report.warnings if w.field == "TEL"} >= {"BusinessPhone", "HomePhone"}
    assert ContactPoint.objects.filter(kind="phone").count() == 0


def test_the_same_contact_in_two_address_books_is_one_person() -> None:
    for name in ("John_Doe_IPHONE.vcf", "John_Doe_MAC_ADDRESS_BOOK.vcf", "John_Doe_GMAIL.vcf"):
        run("vcard", fixture("vcard", name).read_bytes(), name)
    assert Person.objects.filter(last_name="Doe").count() == 1


def test_reimporting_a_vcard_changes_nothing(counts: Any) -> None:
    data = fixture("vcard", "John_Doe_ANDROID.vcf").read_bytes()
    first = run("vcard", data)
    assert first.counts["created"] == 6
    before = counts()
    report = run("vcard", data)
    assert [i.status for i in report.items] == [Status.UNCHANGED] * 6
    after = counts()
    assert {k: v for k, v in after.items() if k != "imports.ImportRun"} == {
        k: v for k, v in before.items() if k != "imports.ImportRun"
    }


def test_a_file_without_cards_is_refused(counts: Any) -> None:
    before = counts()
    report = run("vcard", b"not a vcard\n")
    assert [(e.line, e.field) for e in report.errors] == [(1, "fichier")]
    assert counts() == before
