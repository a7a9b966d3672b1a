"""`filon import theses`: real theses.fr records (Abes's sample of its index)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from filon.directory.models import Person, Position, Thesis
from filon.imports.base import Status
from tests.imports.conftest import fixture, run

pytestmark = pytest.mark.django_db

SAMPLE = fixture("theses_fr", "theses-sample-data.json")


def test_the_thirteen_theses_are_imported_with_their_facts() -> None:
    report = run("theses", SAMPLE.read_bytes(), SAMPLE.name)
    assert report.errors == [] and report.rows == 13
    assert Thesis.objects.count() == 13
    assert Thesis.objects.filter(discipline="Préhistoire").count() == 8
    t = Thesis.objects.get(nnt="2009NAN10089")
    assert (t.person.first_name, t.person.last_name) == ("Sandra", "Rizk")
    assert t.defence_year == 2009
    assert t.institution is not None and t.institution.name == "Nancy 1"
    assert t.lab is not None and t.lab.name == "LPMIA"
    assert t.doctoral_school == "EMMA"
    assert [a.name for a in t.advisors.order_by("pk")] == [
        "Jamal Bougdira",
        "Mohamed Badreddine Assouar",
    ]
    assert t.abstract.startswith("Ce projet est consacré")
    phd = Position.objects.get(person=t.person, kind="phd")
    assert (phd.organisation, phd.end.isoformat() if phd.end else None) == (t.lab, "2009-11-06")


def test_an_advisor_who_is_also_an_author_is_linked_to_their_profile() -> None:
    run("theses", SAMPLE.read_bytes())
    mourre = Person.objects.get(last_name="Mourre")  # author of 2003PA100181
    advised = Thesis.objects.get(nnt="2014TOU20047").advisors.get(name="Vincent Mourre")
    assert advised.person == mourre


def test_a_lab_named_by_several_theses_is_one_organisation() -> None:
    run("theses", SAMPLE.read_bytes())
    labs = Thesis.objects.filter(lab__name__startswith="Travaux et recherches archéologiques")
    assert labs.count() == 4
    assert labs.values("lab").distinct().count() == 1


def test_reimporting_theses_changes_nothing(counts: Any) -> None:
    run("theses", SAMPLE.read_bytes())
    before = counts()
    report = run("theses", SAMPLE.read_bytes())
    assert [i.status for i in report.items] == [Status.UNCHANGED] * 13
    after = counts()
    assert {k: v for k, v in after.items() if k != "imports.ImportRun"} == {
        k: v for k, v in before.items() if k != "imports.ImportRun"
    }


def test_person_records_are_refused_line_by_line(counts: Any) -> None:
    before = counts()
    report = run("theses", fixture("theses_fr", "personnes-sample-data.json").read_bytes())
    assert [(e.line, e.field) for e in report.errors] == [(1, "nnt"), (2, "nnt"), (3, "nnt")]
    assert counts() == before


def test_a_bad_line_among_good_ones_writes_nothing(counts: Any) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[4])
    record["_source"]["dateSoutenance"] = "bientôt"
    lines[4] = json.dumps(record, ensure_ascii=False)
    lines[8] = "{ pas du json"
    before = counts()
    report = run("theses", "\n".join(lines).encode())
    assert [(e.line, e.field) for e in report.errors] == [(5, "dateSoutenance"), (9, "JSON")]
    assert counts() == before
