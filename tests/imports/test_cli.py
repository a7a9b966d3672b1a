"""`filon import …` and `filon export annuaire` on the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from filon.cli import app
from filon.directory.models import Person
from filon.network.models import Tie
from tests.imports.conftest import fixture

pytestmark = pytest.mark.django_db
runner = CliRunner()

CSV = "Nom;Prénom;Promo;Filière;Email\nLefèvre;Hélène;P58;Ingénieur civil;helene@example.org\n"


def test_import_annuaire_writes_and_prints_json(tmp_path: Path) -> None:
    path = tmp_path / "annuaire.csv"
    path.write_bytes(CSV.encode("cp1252"))
    result = runner.invoke(app, ["import", "annuaire", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["created"], report["encoding"], report["written"]) == (1, "cp1252", True)
    assert Person.objects.count() == 1


def test_an_invalid_row_exits_1_and_lists_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "annuaire.csv"
    path.write_text(CSV + "Roux;Léa;Z15;Master;lea@\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "annuaire", str(path)])
    assert result.exit_code == 1
    assert "annuaire.csv:3: Promo « Z15 »" in result.stderr
    assert "annuaire.csv:3: Email « lea@ »" in result.stderr
    assert "rien n'a été écrit" in result.stderr
    assert Person.objects.count() == 0


def test_dry_run_shows_what_would_change_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "annuaire.csv"
    path.write_text(CSV, encoding="utf-8")
    result = runner.invoke(app, ["import", "annuaire", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Lefèvre" in result.stdout and "rien n'a été écrit" in result.stdout
    assert Person.objects.count() == 0


def test_a_mapping_file_is_read(tmp_path: Path) -> None:
    mapping = tmp_path / "colonnes.toml"
    mapping.write_text(
        '[columns]\n"NOM" = "last_name"\n"PRENOM" = "first_name"\n', encoding="utf-8"
    )
    path = tmp_path / "autre.csv"
    path.write_text("NOM,PRENOM\nRoux,Léa\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "annuaire", str(path), "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert Person.objects.get().first_name == "Léa"


def test_import_linkedin_ties_the_connections_to_the_member(make_person: Any) -> None:
    claire = make_person("Claire", "Dumas", contacts=False)
    claire.contact_points.create(kind="email", value="claire.dumas@example.org")
    path = fixture("linkedin", "Connections.SYNTHETIC-example.csv")
    result = runner.invoke(
        app, ["import", "linkedin", str(path), "--member", "claire.dumas@example.org"]
    )
    assert result.exit_code == 0, result.output
    assert Tie.objects.filter(source_person=claire, kind="linkedin").count() == 3


@pytest.mark.parametrize(
    ("kind", "source", "name"),
    [
        ("vcard", "vcard", "rfc6350-example.vcf"),
        ("theses", "theses_fr", "theses-sample-data.json"),
        ("orcid", "orcid", "orcid-public-record_0000-0002-1825-0097_josiah-carberry.json"),
    ],
)
def test_the_other_kinds_run_from_the_command_line(kind: str, source: str, name: str) -> None:
    result = runner.invoke(app, ["import", kind, str(fixture(source, name)), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created"] >= 1


def test_export_annuaire_writes_what_import_reads(tmp_path: Path, make_person: Any) -> None:
    make_person("Anne", "Martin", year=2010)
    path = tmp_path / "export.csv"
    result = runner.invoke(app, ["export", "annuaire", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"] == 1
    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith("Identifiant;Nom;Prénom;Civilité;École;Promo;Filière;Email")
    assert "Martin;Anne" in text and "P10;Docteur" in text
    again = runner.invoke(app, ["import", "annuaire", str(path), "--json"])
    assert json.loads(again.stdout)["unchanged"] == 1
