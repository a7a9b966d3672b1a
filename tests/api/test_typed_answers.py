"""The typed answers hold the real data: every read operation of the demo network answers 200.

The API checks each answer against its declared schema before sending it (a mismatch would be a
500), so one request per operation, on data that fills every list, proves the schemas right.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from filon.accounts.models import User
from filon.money.models import Participation, Programme, Project
from filon.projects.models import Scenario

CLAIRE = "claire.dumas@example.org"


@pytest.fixture
def claire(demo: Any) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=CLAIRE))
    return client


def test_every_read_answers_its_schema_on_the_demo(claire: Client, demo: Any) -> None:
    pd = Participation.objects.exclude(project__funder=None).select_related("project").first()
    assert pd is not None and pd.project.funder_id is not None
    programme = Programme.objects.exclude(projects=None).first()
    assert programme is not None
    scenario = Scenario.objects.filter(person=demo.person("docteur")).first()
    assert scenario is not None
    other = demo.person("ingenieur")
    urls = [
        "/api/me",
        "/api/me/export",
        f"/api/people/{other.pk}",
        "/api/search?q=ingénieur",
        f"/api/money/organisations/{pd.organisation_id}",
        f"/api/money/projects/{Project.objects.get(pk=pd.project_id).identifier}",
        f"/api/money/programmes/{programme.code}",
        f"/api/money/funders/{pd.project.funder_id}",
        "/api/money/my-thesis",
        f"/api/money/trail?funder={pd.project.funder_id}",
        f"/api/money/trail?programme={programme.pk}",
        f"/api/network/paths?to={other.pk}&to_org={pd.organisation_id}",
        f"/api/network/organisations/{pd.organisation_id}/who",
        "/api/network/ego?depth=2",
        "/api/projects/scenarios",
        f"/api/projects/scenarios/{scenario.pk}/contacts?top=10",
        "/api/asks",
        "/api/offers",
        "/api/contact-requests",
        "/api/introductions",
    ]
    for url in urls:
        response = claire.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        assert response.json() not in ({}, None), url
    paths = claire.get(urls[11]).json()["paths"]
    assert paths and "from" in paths[0]["hops"][0]  # the step's source keeps its JSON name
