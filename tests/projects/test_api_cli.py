"""The project API and CLI: the member's own scenarios and contacts, nobody else's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from filon.accounts.actions import issue_api_token
from filon.accounts.models import Role
from filon.cli import app
from filon.projects import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(member: Any) -> Any:
    s = actions.save_scenario(member, {"title": "Cartes de risque"})
    actions.add_hypothesis(member, s, "who", "Les assureurs achètent")
    return s


def test_api_scenarios_and_contacts(member: Any, scenario: Any) -> None:
    token = issue_api_token(member, "test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    data = Client().get("/api/projects/scenarios", **auth).json()
    assert data["scenarios"] == [
        {"id": scenario.pk, "title": "Cartes de risque", "status": "exploring",
         "confidence": 0.0, "offer_type": "expertise", "hypotheses": 1}
    ]  # fmt: skip
    found = Client().get(f"/api/projects/scenarios/{scenario.pk}/contacts", **auth).json()
    assert found["scenario"]["id"] == scenario.pk and "contacts" in found


def test_api_privacy(
    scenario: Any, make_user: Any, make_person: Any, staff: Any, client: Client
) -> None:
    url = f"/api/projects/scenarios/{scenario.pk}/contacts"
    assert client.get(url).status_code == 401
    assert client.get("/api/projects/scenarios").status_code == 401
    other = make_user(Role.MEMBER, person=make_person("Odile"))
    for user in (other, staff):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(user, 't')}"}
        assert Client().get(url, **auth).status_code == 404
    auth = {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(other, 't2')}"}
    assert Client().get("/api/projects/scenarios", **auth).json() == {"scenarios": []}


def test_cli(member: Any, scenario: Any) -> None:
    cli = CliRunner()
    result = cli.invoke(app, ["scenarios", "--member", member.email, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["scenarios"]
    assert [(r["id"], r["status"]) for r in rows] == [(scenario.pk, "exploring")]
    result = cli.invoke(
        app, ["contacts", "--member", member.email, "--scenario", str(scenario.pk), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["scenario"]["title"] == "Cartes de risque"
    result = cli.invoke(app, ["contacts", "--member", member.email, "--scenario", "999999"])
    assert result.exit_code == 1


def test_bench_contacts_reports_each_size_against_the_floor() -> None:
    cli = CliRunner()
    result = cli.invoke(app, ["bench", "contacts", "--sizes", "3000", "--queries", "3", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["3000.median_ms"] > 0 and report["3000.spmv_median_ms"] > 0
    assert report["3000.ratio_to_spmv"] > 1  # ranking does more than one product
    assert report["3000.nnz"] == 3000 * report["terms_per_person"]
