"""`filon stats dues` and `filon stats members`: the same figures as the dashboard."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from filon.association.queries import dues_rates, member_counts
from filon.cli import app
from filon.core.demo import generator


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def test_stats_dues_json_gives_the_rates_per_track(cli: CliRunner, demo: Any) -> None:
    result = cli.invoke(app, ["stats", "dues", "--year", "2020", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["year"] == 2020
    assert payload["tracks"] == dues_rates(2020) == generator.dues_rates(demo.net, 2020)
    assert set(payload["tracks"]["engineers"]) == {"members", "paid", "rate"}


def test_stats_dues_defaults_to_the_last_year_paid(cli: CliRunner, demo: Any) -> None:
    payload = json.loads(cli.invoke(app, ["stats", "dues", "--json"]).stdout)
    assert payload["year"] == max(d.year for d in demo.net.dues)


def test_stats_dues_prints_a_french_table(cli: CliRunner, demo: Any) -> None:
    result = cli.invoke(app, ["stats", "dues", "--year", "2020"])
    assert result.exit_code == 0, result.output
    rate = dues_rates(2020)["docteur"]["rate"]
    assert "Cotisations 2020" in result.stdout
    assert "Ensemble des ingénieurs" in result.stdout
    assert f"{rate * 100:.1f} %".replace(".", ",") in result.stdout


def test_stats_dues_without_any_payment_fails(cli: CliRunner, db: None) -> None:
    result = cli.invoke(app, ["stats", "dues", "--json"])
    assert result.exit_code == 1
    assert "Aucune cotisation" in result.stderr
    assert result.stdout == ""


def test_stats_members_json(cli: CliRunner, demo: Any) -> None:
    result = cli.invoke(app, ["stats", "members", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"total", "by_school", "by_track", "by_decade"}
    assert payload == member_counts()
    assert payload["total"] == 300
    assert set(payload["by_school"]) == {"P", "E", "N"}


def test_stats_members_prints_french_tables(cli: CliRunner, demo: Any) -> None:
    result = cli.invoke(app, ["stats", "members"])
    assert result.exit_code == 0, result.output
    assert "Membres : 300" in result.stdout
    assert "Par filière" in result.stdout
    assert "Mines Saint-Étienne (E)" in result.stdout
