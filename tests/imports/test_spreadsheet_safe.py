"""Spreadsheet-safe CSV files: what a member typed reaches the staff's spreadsheet as text, and
`filon import annuaire` reads an export back exactly as it was written."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from filon.association.figures import CHANGE, TEXT, Column, Table
from filon.cli import app
from filon.core.spreadsheet import FORMULA_STARTS
from filon.directory.models import Affiliation, ContactPoint, Person, Position, School
from filon.imports.base import phone_e164
from filon.orgs.models import Organisation
from tests.imports.test_roundtrip import directory, wipe

runner = CliRunner()

CITY = '=HYPERLINK("http://evil.example/","Versailles")'
PHONE = "+33 6 12 34 56 78"
TITLE = "-20 % de temps : chargée de mission @ R&D"
COMPANY = "@Lab Quantique"


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))


@pytest.mark.django_db
def test_an_annuaire_export_is_safe_and_imports_back_unchanged(tmp_path: Path) -> None:
    person = Person.objects.create(
        first_name="Mallory", last_name="=1+1", city=CITY, country="FR", gender="f"
    )
    school = School.objects.order_by("code").first()
    assert school is not None
    Affiliation.objects.create(person=person, school=school, track="docteur", year=2015)
    ContactPoint.objects.create(person=person, kind="phone", value=phone_e164(PHONE))
    ContactPoint.objects.create(person=person, kind="email", value="mallory@example.org")
    org = Organisation.objects.create(name=COMPANY)
    Position.objects.create(person=person, organisation=org, title=TITLE, start=date(2020, 1, 1))
    before = directory()
    assert (before[0][3], before[0][8]) == (CITY, ((COMPANY, TITLE),))

    path = tmp_path / "annuaire.csv"
    result = runner.invoke(app, ["export", "annuaire", str(path)])
    assert result.exit_code == 0, result.output
    rows = _cells(path.read_text(encoding="utf-8-sig"))
    # No cell a spreadsheet would run: each formula-like one starts with an apostrophe.
    assert [c for row in rows for c in row if c[:1] in FORMULA_STARTS] == []
    data = dict(zip(rows[0], rows[1], strict=False))
    assert data["Ville"] == "'" + CITY
    assert data["Nom"] == "'=1+1"
    assert data["Téléphone"] == "'+33612345678"
    assert data["Fonction"] == "'" + TITLE
    assert data["Entreprise"] == "'" + COMPANY

    wipe()
    Organisation.objects.filter(name=COMPANY).delete()
    assert Person.objects.count() == 0
    result = runner.invoke(app, ["import", "annuaire", str(path)])
    assert result.exit_code == 0, result.output
    assert directory() == before


def test_the_dashboard_csv_writes_labels_as_text_and_numbers_as_numbers() -> None:
    table = Table(
        "ecoles",
        "Membres par école",
        [Column("École", TEXT), Column("Membres"), Column("Évolution", CHANGE)],
        rows=[["=cmd|' /C calc'!A0", 12, -3], ["+Mines", 4, 2], ["'Apostrophe", 1, 0]],
    )
    rows = _cells(table.to_csv())
    assert rows[1:] == [
        ["'=cmd|' /C calc'!A0", "12", "-3"],
        ["'+Mines", "4", "2"],
        ["'Apostrophe", "1", "0"],
    ]
