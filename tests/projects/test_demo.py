"""The demo docteure's project: three scenarios at different stages, a dozen meetings."""

from __future__ import annotations

from typing import Any

import pytest

from filon.directory.privacy import viewer_for
from filon.projects import queries
from filon.projects.contacts import targeted_contacts
from filon.projects.models import Meeting, Referral

pytestmark = pytest.mark.django_db


def test_claire_has_three_scenarios_at_different_stages(demo: Any) -> None:
    claire = demo.user("docteur")
    viewer = viewer_for(claire)
    rows = queries.scenario_list(viewer)
    assert [r["status"] for r in rows] == ["validated", "testing", "exploring"]
    assert rows[0]["confidence"] > rows[1]["confidence"] > rows[2]["confidence"]
    assert Meeting.objects.filter(person=claire.person).count() == 12
    assert Referral.objects.filter(meeting__person=claire.person).count() >= 2
    page = queries.scenario_page(viewer, rows[0]["id"])
    assert max(row["depth"] for row in page["chain"]) >= 2
    second = queries.scenario_page(viewer, rows[1]["id"])
    assert any(m["flags"].flagged_notes and m["flags"].zombie for m in second["meetings"])
    home = queries.my_project(viewer)
    assert home["reminders"]
    found = targeted_contacts(viewer, rows[0]["id"])["contacts"]
    assert found and any("AXA" in " ".join(c["reasons"]) for c in found)
    assert any(c["met"] for c in found)


def test_claire_contacts_through_the_api_and_the_page(demo: Any) -> None:
    from django.test import Client

    claire = demo.user("docteur")
    client = Client()
    client.force_login(claire)
    rows = client.get("/api/projects/scenarios").json()["scenarios"]
    found = client.get(f"/api/projects/scenarios/{rows[0]['id']}/contacts?top=5").json()
    assert len(found["contacts"]) == 5
    first = found["contacts"][0]
    assert first["reasons"] and first["parts"] and first["score"] > 0
    assert any(c["path"] and c["path"]["hops"] for c in found["contacts"])
    page = client.get(f"/projet/scenarios/{rows[0]['id']}/").content.decode()
    assert first["name"] in page and "Chaîne de recommandations" in page
