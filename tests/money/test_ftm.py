"""`filon export ftm`: every exported entity validates with the followthemoney library; people
leave only at the staff's request, and only those whose profile allows it."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model
from typer.testing import CliRunner

from filon.accounts.models import Role, User
from filon.cli import app
from filon.directory.models import Person, Position
from filon.directory.privacy import audience
from filon.money import ftm
from filon.money.models import Participation
from tests.conftest import PASSWORD

runner = CliRunner()


def _library_check(entity: dict[str, Any]) -> None:
    """What Aleph does when it loads an entity, with the library alone."""
    schema = model.get(entity["schema"])
    assert schema is not None and not schema.abstract
    schema.validate(entity)  # raises InvalidData
    proxy = model.get_proxy(entity, cleaned=False)
    for name, values in entity["properties"].items():
        prop = schema.get(name)
        assert prop is not None, (entity["id"], name)
        assert all(prop.type.validate(v) for v in values), (entity["id"], name, values)
        assert len(proxy.get(name)) == len(values), (entity["id"], name)
    for name in schema.required:
        assert proxy.get(name), (entity["id"], name)


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_exported_entity_validates(demo: Any, tmp_path: Path) -> None:
    path = tmp_path / "filon.ftm.json"
    result = runner.invoke(app, ["export", "ftm", str(path), "--json"])
    assert result.exit_code == 0, result.output
    entities = _read(path)
    assert json.loads(result.stdout)["entities"] == len(entities)
    for entity in entities:
        _library_check(entity)
    assert ftm.validate(entities) == []
    kinds = {e["schema"] for e in entities}
    assert {"Project", "ProjectParticipant", "Payment", "PublicBody", "Company"} <= kinds
    assert "Person" not in kinds and "Employment" not in kinds  # by default, no people
    ids = {e["id"] for e in entities}
    for e in entities:
        for name in ("payer", "beneficiary", "project", "participant"):
            for ref in e["properties"].get(name, []):
                assert ref in ids
    payments = [e for e in entities if e["schema"] == "Payment"]
    assert len(payments) == Participation.objects.exclude(contribution=None).count()
    kepler = [p for p in payments if p["properties"]["transactionNumber"] == ["821984"]]
    assert len(kepler) == 3
    assert sum(Decimal(p["properties"]["amount"][0]) for p in kepler) == Decimal("1058422.50")
    assert all(p["properties"]["currency"] == ["EUR"] for p in kepler)
    assert kepler[0]["properties"]["programme"] == ["H2020-EU.2.1.6. — LEIT-SPACE — Space"]
    cnes = next(e for e in entities if e["properties"].get("abbreviation") == ["CNES"])
    assert cnes["schema"] == "PublicBody"


def test_people_leave_only_at_the_staffs_request_and_with_their_consent(
    demo: Any, tmp_path: Path
) -> None:
    path = tmp_path / "people.ftm.json"
    assert runner.invoke(app, ["export", "ftm", str(path), "--people"]).exit_code == 2
    User.objects.create_user("membre@example.org", PASSWORD, role=Role.MEMBER)
    refused = runner.invoke(
        app, ["export", "ftm", str(path), "--people", "--by", "membre@example.org"]
    )
    assert refused.exit_code == 2 and not path.exists()
    with pytest.raises(ValueError):
        ftm.build(viewer=audience(1), people=True)

    tas = Position.objects.filter(organisation__name="Thales Alenia Space", end=None).first()
    assert tas is not None
    private = Person.objects.create(
        first_name="Prune", last_name="Privée", field_visibility={"positions": "private"}
    )
    gone = Person.objects.create(first_name="Gaston", last_name="Parti", directory_opt_out=True)
    for person in (private, gone):
        Position.objects.create(person=person, organisation=tas.organisation, title="Ingénieur")

    ok = runner.invoke(
        app, ["export", "ftm", str(path), "--people", "--by", "sophie.lambert@example.org"]
    )
    assert ok.exit_code == 0, ok.output
    entities = _read(path)
    for entity in entities:
        _library_check(entity)
    assert ftm.validate(entities) == []
    people = {e["properties"]["name"][0] for e in entities if e["schema"] == "Person"}
    assert "Claire Dumas" in people  # her thesis and its funders, shown to every member
    assert tas.person.full_name in people
    assert not people & {"Prune Privée", "Gaston Parti"}
    text = path.read_text(encoding="utf-8")
    assert "@example.org" not in text and "+336" not in text  # never a contact detail
    thesis = next(
        e
        for e in entities
        if e["schema"] == "Project" and "Sentinel-2" in e["properties"]["name"][0]
    )
    roles = {
        e["properties"]["role"][0]
        for e in entities
        if e["schema"] == "ProjectParticipant" and e["properties"]["project"] == [thesis["id"]]
    }
    assert {"doctorant", "laboratoire", "financeur (CIFRE (entreprise))"} <= roles


def test_the_validator_catches_what_the_library_refuses() -> None:
    good = {"id": "o1", "schema": "Organization", "properties": {"name": ["ACME"]}}
    assert ftm.validate([good]) == []
    broken = [
        good,
        {"id": "o2", "schema": "Organization", "properties": {"country": ["xx-not"]}},
        {"id": "p1", "schema": "Payment", "properties": {"payer": ["o1"], "amount": ["douze"]}},
        {"id": "p2", "schema": "Payment", "properties": {"payer": ["o1"], "beneficiary": ["zz"]}},
        {"id": "x1", "schema": "Grant", "properties": {}},
        {"id": "o3", "schema": "Organization", "properties": {"name": ["B"], "montant": ["1"]}},
    ]
    errors = "\n".join(ftm.validate(broken))
    assert "o2: Organization requires 'name'" in errors
    assert "o2: country='xx-not'" in errors
    assert "p1: Payment requires 'beneficiary'" in errors
    assert "p1: amount='douze'" in errors
    assert "p2: beneficiary points to 'zz'" in errors
    assert "x1: unknown schema" in errors
    assert "o3: Organization has no property 'montant'" in errors
