"""The money pages and API on the demo network: Claire's funders, privacy of the alumni lists,
sign-in, and the staff's decision on look-alike organisations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from filon.accounts.models import Role, User
from filon.directory.models import Person, Position
from filon.directory.privacy import viewer_for
from filon.money import queries
from filon.money.models import OrgMatchCandidate, Participation, Programme, Project
from filon.orgs.models import OrgAlias, Organisation
from tests.conftest import PASSWORD

CLAIRE = "claire.dumas@example.org"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def claire(demo: Any) -> Client:
    return _client(User.objects.get(email=CLAIRE))


@pytest.fixture
def three_at_acri(demo: Any) -> dict[str, Person]:
    """Three people working at ACRI-ST now: findable, out of the directory, career hidden."""
    acri = Organisation.objects.get(name="ACRI-ST")
    people = {
        # Names sorted first, so that the lists (a few names each) would show them.
        "visible": Person.objects.create(first_name="Victor", last_name="Aabel"),
        "opted_out": Person.objects.create(
            first_name="Olga", last_name="Aabert", directory_opt_out=True
        ),
        "hidden": Person.objects.create(
            first_name="Hugo", last_name="Aaby", field_visibility={"positions": "private"}
        ),
    }
    for person in people.values():
        Position.objects.create(
            person=person, organisation=acri, title="Ingénieur", start=date(2020, 1, 1)
        )
    return people


def test_claires_page_shows_her_funders_what_they_fund_amounts_and_alumni(claire: Client) -> None:
    page = claire.get("/financements/ma-these/").content.decode().replace("\u202f", " ")
    for text in (
        "Qui a financé ma thèse ?",
        "Thales Alenia Space",
        "Centre national d&#x27;études spatiales",
        "CIFRE (entreprise)",
        "42 000,00 EUR",  # the CIFRE subsidy behind her thesis
        "ACRI-ST",
        "Airbus Defence and Space",
        "Les organisations qu'il finance",
        "Leurs partenaires dans d'autres projets",
        'data-testid="sankey"',
        "plotly/plotly.min.js",
    ):
        assert text in page, text
    assert "cdn." not in page


def test_the_api_answers_the_same_question(claire: Client) -> None:
    data = claire.get("/api/money/my-thesis").json()
    funders = {s["funder"]["name"]: s for s in data["funders"]}
    assert set(funders) == {"Thales Alenia Space", "Centre national d'études spatiales"}
    cnes = funders["Centre national d'études spatiales"]
    assert cnes["gives"] and cnes["how"][0]["amount"] == "54000.00"
    funded = cnes["funded"]
    assert funded and all(set(f["received"]) == {"EUR"} for f in funded)
    amounts = [Decimal(f["received"]["EUR"]) for f in funded]
    assert amounts == sorted(amounts, reverse=True)  # ranked by amount
    assert any(f["alumni"]["people"] for f in funded)


def test_alumni_lists_keep_the_directorys_privacy(
    demo: Any, three_at_acri: dict[str, Person]
) -> None:
    member = User.objects.create_user("membre@example.org", PASSWORD, role=Role.MEMBER)
    acri = Organisation.objects.get(name="ACRI-ST")
    project = Project.objects.filter(participations__organisation=acri).first()
    assert project is not None
    for client in (_client(User.objects.get(email=CLAIRE)), _client(member)):
        pages = [
            client.get("/financements/ma-these/").content.decode(),
            client.get(f"/financements/organisations/{acri.pk}/").content.decode(),
            client.get(f"/financements/projets/{project.pk}/").content.decode(),
            client.get(f"/api/money/organisations/{acri.pk}").content.decode(),
            client.get(f"/api/money/projects/{project.identifier}").content.decode(),
        ]
        for page in pages:
            assert "Aabert" not in page
            assert "Aaby" not in page
        assert "Victor Aabel" in pages[1] and "Victor Aabel" in pages[3]
        viewer = viewer_for(client.session and User.objects.get(pk=client.session["_auth_user_id"]))
        seen = queries.alumni_at(viewer, [acri.pk], per_org=10_000)[acri.pk]
        names = {p["name"] for p in seen["people"]}
        assert "Victor Aabel" in names and seen["count"] == len(names)
        assert not names & {"Olga Aabert", "Hugo Aaby"}
    # The staff see what the directory's rules let them see: everyone.
    staff = _client(User.objects.create_user("equipe@example.org", PASSWORD, role=Role.STAFF))
    page = staff.get(f"/financements/organisations/{acri.pk}/").content.decode()
    assert "Olga Aabert" in page and "Hugo Aaby" in page


def test_it_hides_the_viewer_from_their_own_alumni_lists(claire: Client) -> None:
    acri = Organisation.objects.get(name="ACRI-ST")
    data = claire.get(f"/api/money/organisations/{acri.pk}").json()
    assert "Claire Dumas" not in [p["name"] for p in data["alumni"]["people"]]


@pytest.mark.parametrize(
    "url",
    [
        "/financements/",
        "/financements/ma-these/",
        "/financements/flux/",
        "/financements/organisations/1/",
        "/financements/programmes/1/",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, db: None, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


@pytest.mark.parametrize(
    "url",
    [
        "/api/money/my-thesis",
        "/api/money/organisations/1",
        "/api/money/projects/821984",
        "/api/money/programmes/LEIT-SPACE",
        "/api/money/trail?funder=1",
    ],
)
def test_the_api_answers_401_to_anonymous_callers(client: Client, db: None, url: str) -> None:
    assert client.get(url).status_code == 401


def test_the_api_shapes(claire: Client) -> None:
    # The demo holds the real LEIT-SPACE rows: SINTEF AS (org. no. 919303808) is in 5 of them.
    sintef = claire.get("/api/money/organisations/919303808").json()
    assert {"name", "projects", "coordinated", "received", "by_programme", "alumni"} <= set(sintef)
    assert (sintef["name"], sintef["projects"], sintef["coordinated"]) == ("SINTEF AS", 5, 0)
    assert sintef["received"] == {"EUR": "1520863.74"}
    assert claire.get("/api/money/organisations/Nulle Part SA").status_code == 404
    kepler = claire.get("/api/money/projects/821984").json()
    assert kepler["coordinator"] == "METEOROLOGISK INSTITUTT"
    assert kepler["total"] == {"EUR": "1058422.50"}
    assert len(kepler["participants"]) == 3
    space = claire.get("/api/money/programmes/LEIT-SPACE").json()
    assert (space["participations"], space["projects"], space["total"]) == (
        44,
        32,
        {"EUR": "14230043.02"},
    )
    assert claire.get("/api/money/programmes/NOPE").status_code == 404
    cnes = Organisation.objects.get(short_name="CNES")
    trail = claire.get(f"/api/money/trail?funder={cnes.pk}").json()
    assert trail["currency"] == "EUR" and trail["links"]
    assert Decimal(trail["total"]) == sum(
        Decimal(p)
        for p in Participation.objects.filter(project__funder=cnes).values_list(
            "contribution", flat=True
        )
    )


def test_pages_render_for_a_member(claire: Client) -> None:
    cnes = Organisation.objects.get(short_name="CNES")
    tas = Organisation.objects.get(name="Thales Alenia Space")
    space = Programme.objects.get(code="H2020-EU.2.1.6.")
    kepler = Project.objects.get(identifier="821984")
    for url, expected in (
        ("/financements/", "Les financeurs"),
        ("/financements/?q=KEPLER", "KEPLER"),
        (f"/financements/organisations/{tas.pk}/", "Avec qui : les co-participants"),
        (f"/financements/financeurs/{cnes.pk}/", "Qui reçoit le plus ?"),
        (f"/financements/programmes/{space.pk}/", "14 230 043,02 EUR"),
        (f"/financements/projets/{kepler.pk}/", "1 058 422,50 EUR"),
        (f"/financements/flux/?financeur={cnes.pk}", 'data-testid="sankey"'),
        (f"/organisations/{tas.pk}/", 'data-testid="org-money"'),
    ):
        response = claire.get(url)
        assert response.status_code == 200, url
        assert expected in response.content.decode().replace("\u202f", " "), url
    assert claire.get("/financements/?q=821984").status_code == 302
    assert 'href="/financements/"' in claire.get("/").content.decode()


def test_staff_merge_look_alike_organisations(demo: Any, staff_client: Client) -> None:
    tas = Organisation.objects.get(name="Thales Alenia Space")
    twin = Organisation.objects.create(name="THALES ALENIA SPACE TOULOUSE SITE", kind="company")
    project = Project.objects.create(identifier="T-1", acronym="TWIN")
    Participation.objects.create(
        project=project, organisation=twin, role="participant", contribution=10, currency="EUR"
    )
    candidate = OrgMatchCandidate.objects.create(
        existing=tas, incoming=twin, score=100, reason="un nom contient l'autre"
    )
    page = staff_client.get("/imports/fusions/").content.decode()
    assert "Organisations en double possibles" in page and "TOULOUSE SITE" in page
    response = staff_client.post(
        f"/financements/doublons/{candidate.pk}/", {"decision": "keep_existing"}
    )
    assert response.status_code == 302 and response["Location"] == "/imports/fusions/"
    assert not Organisation.objects.filter(pk=twin.pk).exists()
    assert Participation.objects.get(project=project).organisation == tas
    assert OrgAlias.objects.filter(organisation=tas, name=twin.name).exists()
    assert not OrgMatchCandidate.objects.exists()


def test_staff_keep_two_organisations_apart_and_members_may_not_decide(
    demo: Any, staff_client: Client, member_client: Client
) -> None:
    tas = Organisation.objects.get(name="Thales Alenia Space")
    other = Organisation.objects.create(name="Thales Alenia Space Foundation", kind="association")
    candidate = OrgMatchCandidate.objects.create(
        existing=tas, incoming=other, score=100, reason="un nom contient l'autre"
    )
    url = f"/financements/doublons/{candidate.pk}/"
    assert member_client.post(url, {"decision": "keep_existing"}).status_code == 403
    assert staff_client.post(url, {"decision": "separate"}).status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == "separate"
    assert Organisation.objects.filter(pk=other.pk).exists()
    assert "Foundation" not in staff_client.get("/imports/fusions/").content.decode()


def test_her_own_orcid_fundings_count_among_her_funders(claire: Client) -> None:
    from filon.imports.models import PersonFunding

    claire_person = User.objects.get(email=CLAIRE).person
    ec = Organisation.objects.get(name="Commission européenne (Horizon 2020)")
    PersonFunding.objects.create(
        person=claire_person,
        funder=ec,
        title="Post-doc KEPLER",
        kind="grant",
        grant_number="821984",
    )
    data = claire.get("/api/money/my-thesis").json()
    section = next(s for s in data["funders"] if s["funder"]["id"] == ec.pk)
    assert section["how"][0]["kind"] == "orcid"
    assert section["how"][0]["programme"].startswith("LEIT-SPACE")
    assert section["gives"] and section["total"] == {"EUR": "14230043.02"}
    # Someone else's declarations are never read.
    other = Person.objects.exclude(pk=claire_person.pk).first()
    PersonFunding.objects.create(person=other, funder=ec, title="X", kind="grant")
    assert claire.get("/api/money/my-thesis").json() == data


def test_the_thesis_page_reads_a_bounded_number_of_queries(
    claire: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(40):
        assert claire.get("/financements/ma-these/").status_code == 200
    tas = Organisation.objects.get(name="Thales Alenia Space")
    with django_assert_max_num_queries(40):
        assert claire.get(f"/financements/organisations/{tas.pk}/").status_code == 200
