"""`filon import funding`, `filon money org|project|programme` and their JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from typer.testing import CliRunner

from filon.cli import app
from filon.money.demo import space_rows
from filon.money.models import Participation, Project
from tests.money.conftest import CORDIS, NORWAY, NORWAY_MAPPING

pytestmark = pytest.mark.django_db
runner = CliRunner()


@pytest.fixture
def space(tmp_path: Path) -> Path:
    """The LEIT-SPACE rows of the real file, imported through the shipped mapping."""
    path = tmp_path / "space.csv"
    path.write_bytes(space_rows(NORWAY))
    result = runner.invoke(
        app, ["import", "funding", str(path), "--mapping", str(NORWAY_MAPPING), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["written"], report["created"], report["rows"]) == (True, 44, 44)
    assert report["funding"]["total"] == {"EUR": "14230043.02"}
    return path


def test_money_org_json(space: Path) -> None:
    result = runner.invoke(app, ["money", "org", "METEOROLOGISK INSTITUTT", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"name", "projects", "coordinated", "received"} <= set(data)
    assert (data["name"], data["projects"], data["coordinated"]) == (
        "METEOROLOGISK INSTITUTT",
        2,
        1,
    )
    assert data["received"] == {"EUR": "911172.50"}
    assert all(isinstance(v, str) for v in data["received"].values())
    by_id = json.loads(runner.invoke(app, ["money", "org", "919303808", "--json"]).stdout)
    assert (by_id["name"], by_id["received"]) == ("SINTEF AS", {"EUR": "1520863.74"})


def test_money_project_json(space: Path) -> None:
    result = runner.invoke(app, ["money", "project", "821984", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"id", "acronym", "coordinator", "participants", "total"} <= set(data)
    assert (data["id"], data["acronym"], data["coordinator"]) == (
        "821984",
        "KEPLER",
        "METEOROLOGISK INSTITUTT",
    )
    assert len(data["participants"]) == 3
    assert data["total"] == {"EUR": "1058422.50"}
    assert sum(float(p["amount"]) for p in data["participants"]) == pytest.approx(1058422.50)
    assert (
        json.loads(runner.invoke(app, ["money", "project", "KEPLER", "--json"]).stdout)["id"]
        == "821984"
    )


def test_money_programme_json(space: Path) -> None:
    for ref in ("LEIT-SPACE", "H2020-EU.2.1.6.", "EU.2.1.6."):
        result = runner.invoke(app, ["money", "programme", ref, "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert (data["participations"], data["projects"], data["total"]) == (
            44,
            32,
            {"EUR": "14230043.02"},
        )


def test_money_commands_print_tables_and_refuse_unknown_things(space: Path) -> None:
    result = runner.invoke(app, ["money", "project", "821984"])
    assert result.exit_code == 0 and "KEPLER" in result.stdout
    assert "1\u202f058\u202f422,50 EUR" in result.stdout
    assert runner.invoke(app, ["money", "org", "Nulle Part SA"]).exit_code == 1
    missing = runner.invoke(app, ["money", "programme", "FP4-NOPE"])
    assert missing.exit_code == 1 and "FP4-NOPE" in missing.stderr


def test_import_funding_cordis(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "import",
            "funding",
            str(CORDIS / "organization.csv"),
            "--format",
            "cordis",
            "--projects",
            str(CORDIS / "project.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "13 ligne(s)" in result.stdout and "3 projet(s), 10 organisation(s)" in result.stdout
    assert Participation.objects.count() == 13


def test_import_funding_dry_run_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "space.csv"
    path.write_bytes(space_rows(NORWAY))
    dry = runner.invoke(
        app, ["import", "funding", str(path), "--mapping", str(NORWAY_MAPPING), "--dry-run"]
    )
    assert dry.exit_code == 0, dry.output
    assert "Essai à blanc" in dry.stdout and Project.objects.count() == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].rsplit(";", 1)[0] + ";beaucoup"
    path.write_text("\n".join(lines), encoding="utf-8")
    bad = runner.invoke(app, ["import", "funding", str(path), "--mapping", str(NORWAY_MAPPING)])
    assert bad.exit_code == 1
    assert "space.csv:4: Innvilget beløp organisasjon EUR « beaucoup »" in bad.stderr
    assert "rien n'a été écrit" in bad.stderr
    assert Project.objects.count() == 0


def test_a_broken_mapping_exits_2(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text("[project]\nidentifier = 'x'\n", encoding="utf-8")
    result = runner.invoke(
        app, ["import", "funding", str(CORDIS / "organization.csv"), "--mapping", str(mapping)]
    )
    assert result.exit_code == 2 and "m.toml" in result.stderr
    unknown = runner.invoke(
        app, ["import", "funding", str(CORDIS / "organization.csv"), "--format", "xls"]
    )
    assert unknown.exit_code == 2 and "format inconnu" in unknown.stderr


def test_a_funding_run_shows_on_the_staffs_import_pages(space: Path, staff_client: Client) -> None:
    from filon.imports.models import ImportRun

    run = ImportRun.objects.get(kind="funding")
    assert "space.csv" in staff_client.get("/imports/").content.decode()
    page = staff_client.get(f"/imports/{run.pk}/")
    assert page.status_code == 200 and "space.csv" in page.content.decode()
