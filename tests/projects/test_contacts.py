"""Targeted contacts on a small hand-built network where the right order is known."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from filon.directory.models import Position, ThesisFunding
from filon.directory.privacy import viewer_for
from filon.orgs.models import Organisation
from filon.projects import actions
from filon.projects.contacts import targeted_contacts
from filon.projects.models import Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(member: Any, make_person: Any) -> dict[str, Any]:
    insurer = Organisation.objects.create(name="Assureur Alpha", kind="company")
    agency = Organisation.objects.create(name="Agence Spatiale X", kind="agency")
    alice = make_person("Alice", "Buyer", school="E", year=2001, thesis=None)
    Position.objects.create(
        person=alice, organisation=insurer, title="Responsable télédétection",
        start=date(2015, 1, 1),
    )  # fmt: skip
    bob = make_person("Bob", "Funded", school="E", year=2003, thesis="Chimie des polymères")
    ThesisFunding.objects.create(thesis=bob.theses.get(), funder=agency, kind="other")
    carl = make_person("Carl", "Cohort", school="P", year=2019, thesis=None)  # Claire's cohort
    dana = make_person(
        "Dana", "Hidden", school="E", year=1990, thesis=None,
        field_visibility={"positions": "private"},
    )  # fmt: skip
    Position.objects.create(
        person=dana, organisation=insurer, title="Experte télédétection", start=date(2010, 1, 1)
    )
    eve = make_person("Eve", "Gone", school="E", year=1995, thesis=None, directory_opt_out=True)
    Position.objects.create(
        person=eve, organisation=insurer, title="Télédétection", start=date(2010, 1, 1)
    )
    frank = make_person("Frank", "Far", school="N", year=1980, thesis=None)
    scenario = actions.save_scenario(
        member,
        {"title": "Télédétection pour l'assurance", "segment": "assureurs"},
        buyers=[insurer],
        funders=[agency],
    )
    return {"scenario": scenario, "alice": alice, "bob": bob, "carl": carl, "dana": dana,
            "eve": eve, "frank": frank}  # fmt: skip


def _names(member: Any, scenario: Scenario) -> list[str]:
    found = targeted_contacts(viewer_for(member), scenario.pk)
    return [c["name"] for c in found["contacts"]]


def test_order_is_known(member: Any, network: dict[str, Any]) -> None:
    found = targeted_contacts(viewer_for(member), network["scenario"].pk)
    contacts = found["contacts"]
    assert [c["name"] for c in contacts] == ["Alice Buyer", "Bob Funded", "Carl Cohort"]
    alice, bob, carl = contacts
    assert alice["parts"] == {"text": 2.0, "buyer": 3.0}
    assert any("Assureur Alpha" in r for r in alice["reasons"])
    assert any("télédétection" in r for r in alice["reasons"])
    assert bob["parts"] == {"money": 2.0}
    assert any("Agence Spatiale X" in r for r in bob["reasons"])
    assert carl["parts"] == {"cohort": 1.0}
    assert all(c["met"] is False for c in contacts)


def test_privacy_hidden_fields_and_opted_out(member: Any, network: dict[str, Any]) -> None:
    names = _names(member, network["scenario"])
    # Dana works at the buyer, but shows her positions to nobody: no reason to list her.
    assert "Dana Hidden" not in names
    # Eve opted out of the directory: never listed.
    assert "Eve Gone" not in names
    assert "Frank Far" not in names
    # The member themself is never a contact.
    assert member.person.full_name not in names


def test_a_referral_moves_a_contact_up_and_meeting_marks_met(
    member: Any, network: dict[str, Any]
) -> None:
    scenario = network["scenario"]
    actions.log_meeting(
        member,
        actions.MeetingInput(
            contact_name="Frank Far", contact=network["frank"], date=date(2026, 1, 1),
            scenarios=[scenario], referrals=[("Carl Cohort", "", network["carl"])],
        ),
    )  # fmt: skip
    found = targeted_contacts(viewer_for(member), scenario.pk)["contacts"]
    assert [c["name"] for c in found] == ["Alice Buyer", "Carl Cohort", "Bob Funded"]
    carl = found[1]
    assert carl["parts"]["referral"] == 2.5 and any("Frank Far" in r for r in carl["reasons"])


def test_other_members_cannot_rank_someone_elses_scenario(
    network: dict[str, Any], make_user: Any, make_person: Any
) -> None:
    from filon.projects.queries import NotFound

    other = make_user(person=make_person("Odile"))
    with pytest.raises(NotFound):
        targeted_contacts(viewer_for(other), network["scenario"].pk)


def test_money_trail_reaches_people_at_funded_organisations(
    member: Any, network: dict[str, Any], make_person: Any
) -> None:
    from filon.money.models import Participation, Project

    scenario = network["scenario"]
    agency = scenario.funders.get()
    lab = Organisation.objects.create(name="Labo Financé", kind="lab")
    project = Project.objects.create(identifier="ANR-1", acronym="SAT", funder=agency)
    Participation.objects.create(project=project, organisation=lab, role="coordinator")
    gus = make_person("Gus", "Grant", school="E", year=1999, thesis=None)
    Position.objects.create(person=gus, organisation=lab, title="Chercheur", start=date(2020, 1, 1))
    found = {c["name"]: c for c in targeted_contacts(viewer_for(member), scenario.pk)["contacts"]}
    assert found["Gus Grant"]["parts"] == {"money": 1.2}
    assert any(
        "Labo Financé" in r and "Agence Spatiale X" in r for r in found["Gus Grant"]["reasons"]
    )
