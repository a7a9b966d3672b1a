"""« Qui paie pour mon sujet ? » on hand-made project sets: the ranking and its reasons, French
and English, the organisations paid most, privacy of the alumni listed, the index following
writes, the page, the API, the command and « Créer un scénario »."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from filon.cli import app
from filon.core.topic import ProjectDoc, Subject, TopicIndex
from filon.directory.models import Person, Position
from filon.directory.privacy import viewer_for
from filon.money import topic
from filon.money.models import Participation, Programme, Project
from filon.orgs.models import Organisation
from filon.projects.models import Hypothesis, Scenario

# -- the core, without a database ---------------------------------------------------------------


def _index(titles: dict[int, str], **more: dict[str, str]) -> TopicIndex:
    return TopicIndex.build(
        ProjectDoc(pk, {"title": title, **more.get(str(pk), {})}) for pk, title in titles.items()
    )


def test_a_project_sharing_a_rare_word_ranks_above_one_sharing_only_common_words() -> None:
    common = {pk: f"Innovative system for transport number {pk}" for pk in range(3, 30)}
    index = _index(
        {
            1: "Innovative system for innovative systems",  # common words only, twice
            2: "Hyperspectral unmixing of snow",  # one rare word of the thesis
            **common,
        }
    )
    subject = Subject({"thesis": "An innovative system for hyperspectral imaging"})
    ranked = index.rank(subject, top=5)
    assert ranked[0].id == 2
    assert ranked[0].words == ("Hyperspectral",)
    assert ranked[1].id == 1


def test_french_and_english_meet_through_stemming_and_accent_folding() -> None:
    index = _index(
        {
            1: "Change detection in satellite image time series",
            2: "Télédétections des forêts",
            3: "Battery storage for electric grids",
        }
    )
    ranked = index.rank(Subject({"thesis": "Détection de changements, TELEDETECTION"}), top=5)
    assert [m.id for m in ranked] == [1, 2]
    assert ranked[0].words == ("Change detection",)
    assert ranked[1].words == ("Télédétections",)


def test_reasons_keep_adjacent_words_together_as_written() -> None:
    index = _index({1: "Services d'observation de la Terre et Sentinel-2", 2: "Autre chose"})
    ranked = index.rank(Subject({"abstract": "observation de la terre, sentinel"}))
    assert ranked[0].words[0] == "observation de la Terre"
    assert "Sentinel" in ranked[0].words


def test_an_unchanged_project_is_not_analysed_again() -> None:
    first = _index({1: "Sentinel land cover", 2: "Battery storage"})
    second = TopicIndex.build(
        [ProjectDoc(1, {"title": "Sentinel land cover"}), ProjectDoc(2, {"title": "Solar"})],
        previous=first,
    )
    assert second.analyses[1] is first.analyses[1]
    assert second.analyses[2] is not first.analyses[2]
    assert not second.rank(Subject({"thesis": "battery"}))


# -- with the database ------------------------------------------------------------------------


@pytest.fixture
def projects(db: None) -> dict[str, Any]:
    """Three projects of one programme, one of which shares the thesis' rare words."""
    topic.forget_index()
    funder = Organisation.objects.create(name="Agence spatiale", kind="agency")
    programme = Programme.objects.create(code="T-SPACE", name="Space", funder=funder)
    space = Organisation.objects.create(name="Orbital Images SA", kind="company")
    lab = Organisation.objects.create(name="Laboratoire des sols", kind="lab")
    other = Organisation.objects.create(name="Batteries et Cie", kind="company")
    rows = {
        "eo": ("EOLAND", "Earth observation of land use with Sentinel-2 time series"),
        "soil": ("SOLS", "Cartographie des sols agricoles"),
        "battery": ("BATT", "Battery storage for electric grids"),
    }
    made = {}
    for key, (acronym, title) in rows.items():
        made[key] = Project.objects.create(
            identifier=f"T-{acronym}", acronym=acronym, title=title, programme=programme,
            funder=funder, start=date(2020, 1, 1),
        )  # fmt: skip
    Participation.objects.create(
        project=made["eo"], organisation=space, role="coordinator", number=1,
        contribution=Decimal("500000.10"), currency="EUR",
    )  # fmt: skip
    Participation.objects.create(
        project=made["eo"], organisation=lab, role="participant", number=2,
        contribution=Decimal("1000"), currency="NOK",
    )  # fmt: skip
    Participation.objects.create(
        project=made["soil"], organisation=lab, role="coordinator", number=1,
        contribution=Decimal("200000"), currency="EUR",
    )  # fmt: skip
    Participation.objects.create(
        project=made["battery"], organisation=other, role="coordinator", number=1,
        contribution=Decimal("9000000"), currency="EUR",
    )  # fmt: skip
    return {"programme": programme, "space": space, "lab": lab, "other": other, **made}


@pytest.fixture
def docteure(make_user: Any, make_person: Any) -> Any:
    person = make_person(
        "Irène", "Sentinel", thesis="Suivi de l'occupation des sols par les séries Sentinel-2"
    )
    return make_user(person=person)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_ranking_its_reasons_money_and_organisations(projects: Any, docteure: Any) -> None:
    data = topic.my_topic(viewer_for(docteure))
    acronyms = [p["acronym"] for p in data["projects"]]
    assert acronyms == ["EOLAND", "SOLS"]  # the battery project shares no word
    eo = data["projects"][0]
    assert eo["reasons"][0].startswith("mots en commun : ")
    assert "Sentinel" in eo["reasons"][0]
    assert eo["programme"] == "Space"
    # Amounts per currency, exact, never added across currencies.
    assert eo["amounts"] == {"EUR": Decimal("500000.10"), "NOK": Decimal("1000")}
    assert [(o["name"], o["coordinator"]) for o in eo["organisations"]] == [
        ("Orbital Images SA", True),
        ("Laboratoire des sols", False),
    ]
    orgs = {o["name"]: o for o in data["organisations"]}
    assert orgs["Laboratoire des sols"]["projects"] == 2
    assert orgs["Laboratoire des sols"]["amounts"] == {
        "EUR": Decimal("200000"),
        "NOK": Decimal("1000"),
    }
    assert "Batteries et Cie" not in orgs


def test_alumni_listed_follow_the_privacy_rules(projects: Any, docteure: Any) -> None:
    space = projects["space"]
    people = {
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
            person=person, organisation=space, title="Ingénieur", start=date(2020, 1, 1)
        )
    data = topic.my_topic(viewer_for(docteure))
    org = next(o for o in data["organisations"] if o["name"] == "Orbital Images SA")
    assert [a["name"] for a in org["alumni"]] == ["Victor Aabel"]
    assert org["alumni_count"] == 1
    participant = data["projects"][0]["organisations"][0]
    assert [a["name"] for a in participant["alumni"]] == ["Victor Aabel"]


def test_the_index_follows_a_project_edited_after_it_was_built(
    projects: Any, docteure: Any
) -> None:
    viewer = viewer_for(docteure)
    assert "BATT" not in [p["acronym"] for p in topic.my_topic(viewer)["projects"]]
    battery = projects["battery"]
    battery.title = "Sentinel-2 monitoring of battery plants"
    battery.save()
    assert "BATT" in [p["acronym"] for p in topic.my_topic(viewer)["projects"]]


def test_the_page_the_api_and_the_budget(projects: Any, docteure: Any) -> None:
    client = _client(docteure)
    page = client.get("/financements/mon-sujet/").content.decode()
    for text in ("Qui paie pour mon sujet ?", "EOLAND", "Orbital Images SA", "Créer un scénario"):
        assert text in page, text
    data = client.get("/api/money/my-topic").json()
    assert data["projects"][0]["acronym"] == "EOLAND"
    assert data["projects"][0]["amounts"] == {"EUR": "500000.10", "NOK": "1000.00"}
    assert data["organisations"][0]["amounts"]


def test_an_account_without_a_directory_entry(projects: Any, make_user: Any) -> None:
    client = _client(make_user())
    assert "aucune fiche" in client.get("/financements/mon-sujet/").content.decode()
    assert client.get("/api/money/my-topic").status_code == 404


def test_the_command_prints_the_documented_json(projects: Any, docteure: Any) -> None:
    result = CliRunner().invoke(
        app, ["money", "topic", "--member", docteure.email, "--top", "5", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    first = data["projects"][0]
    assert {"id", "acronym", "programme", "score", "reasons", "amounts", "organisations"} <= set(
        first
    )
    assert first["amounts"] == {"EUR": "500000.10", "NOK": "1000.00"}
    assert {"name", "amounts", "projects", "alumni"} <= set(data["organisations"][0])


def test_create_a_scenario_from_an_organisation(projects: Any, docteure: Any) -> None:
    client = _client(docteure)
    space = projects["space"]
    response = client.post("/financements/mon-sujet/scenario/", {"organisation": space.pk})
    scenario = Scenario.objects.get(person=docteure.person)
    assert response.status_code == 302
    assert response["Location"] == f"/projet/scenarios/{scenario.pk}/"
    assert list(scenario.buyer_organisations.all()) == [space]
    assert [f.name for f in scenario.funders.all()] == ["Agence spatiale"]
    assert "EOLAND" in scenario.problem
    assert f"/financements/projets/{projects['eo'].pk}/" in scenario.money_note
    assert sorted(
        Hypothesis.objects.filter(scenario=scenario).values_list("dimension", flat=True)
    ) == [
        "price",
        "who",
        "why",
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Orbital Images SA" in page and "EOLAND" in page


def test_create_a_scenario_from_a_programme(projects: Any, docteure: Any) -> None:
    client = _client(docteure)
    programme = projects["programme"]
    client.post("/financements/mon-sujet/scenario/", {"programme": programme.pk})
    scenario = Scenario.objects.get(person=docteure.person)
    buyers = {o.name for o in scenario.buyer_organisations.all()}
    assert {"Orbital Images SA", "Laboratoire des sols"} <= buyers
    assert "Space" in scenario.segment


def test_the_demo_docteure_sees_space_and_earth_observation_projects(demo: Any) -> None:
    topic.forget_index()
    claire = demo.user("docteur")
    data = topic.my_topic(viewer_for(claire))
    first = data["projects"][:20]
    h2020 = [p for p in first if p["programme"].startswith("LEIT-SPACE")]
    assert len(h2020) >= 3, [p["acronym"] for p in first]
    assert any("Earth" in r or "Copernicus" in r for p in h2020 for r in p["reasons"])
    assert any(o["alumni"] for o in data["organisations"][:5])


def test_a_cordis_project_keeps_its_objective_for_the_ranking(db: None) -> None:
    from tests.money.conftest import import_cordis

    topic.forget_index()
    assert import_cordis().written
    project = Project.objects.get(identifier="990001")
    assert project.objective.startswith("Fictitious test project")
    ranked = topic.topic_index().rank(Subject({"abstract": "a fictitious test"}))
    assert project.pk in [m.id for m in ranked]
