"""The network on the database: the graph's builder, privacy, freshness, pages, CLI and API.

The snapshot, the change log and the overlay are tested in ``test_graph_log.py``."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from filon.cli import app
from filon.core.graph import NodeKind
from filon.directory.index_signals import invalidate
from filon.directory.models import Affiliation, ContactPoint, Person, Position
from filon.directory.privacy import audience, viewer_for
from filon.network import queries
from filon.network.index import build_index, loader, network_index
from filon.network.models import Group, Tie
from filon.orgs.models import Organisation

SPACE = ("ACRI-ST", "Airbus Defence and Space", "Thales Alenia Space")


def org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def intermediaries(paths: list[dict[str, Any]]) -> set[str]:
    """The people between the viewer and the contact at the organisation."""
    return {h["to"]["name"] for p in paths for h in p["hops"][:-2]}


# -- the builder ------------------------------------------------------------------------------


def test_it_builds_one_node_per_person_cohort_group_and_organisation(demo: Any) -> None:
    index = build_index()
    kinds = index.graph.node_kind
    assert int((kinds == NodeKind.PERSON).sum()) == Person.objects.count()
    cohorts = set(Affiliation.objects.values_list("school__code", "year"))
    assert int((kinds == NodeKind.COHORT).sum()) == len(cohorts)
    places = sum(
        int((kinds == k).sum()) for k in (NodeKind.ORGANISATION, NodeKind.LAB, NodeKind.FUNDER)
    )
    assert places == Organisation.objects.count()
    assert int((kinds == NodeKind.GROUP).sum()) == Group.objects.count()
    claire = demo.person("docteur")
    assert index.graph.labels[index.person_node(claire.pk)] == "Claire Dumas"


def test_claire_gets_paths_with_reasons_to_space_organisations(demo: Any) -> None:
    viewer = viewer_for(demo.user("docteur"))
    for name in SPACE:
        paths = queries.paths_to_org(viewer, org(name).pk)
        assert paths, name
        last = paths[0]["hops"][-1]
        assert last["to"]["name"] == name
        assert last["reason"].startswith(("travaille chez", "a travaillé chez")), last
        for path in paths:
            assert all(h["reason"] for h in path["hops"])
            assert path["hops"][0]["from"]["name"] == "Claire Dumas"
    acri = queries.paths_to_org(viewer, org("ACRI-ST").pk)
    assert "collègues chez ACRI-ST depuis" in " ".join(h["reason"] for h in acri[0]["hops"])


def test_an_intermediary_who_opts_out_disappears_from_every_path(demo: Any) -> None:
    viewer = viewer_for(demo.user("docteur"))
    target = org("Airbus Defence and Space").pk
    before = queries.paths_to_org(viewer, target, k=3)
    names = intermediaries(before)
    assert names
    for name in names:
        first, last = name.split(" ", 1)
        Person.objects.filter(first_name=first, last_name=last).update(intermediary_opt_out=True)
    builds = loader().builds
    invalidate()  # a bulk update sends no signal: it names nobody, so the graph is rebuilt
    after = queries.paths_to_org(viewer, target, k=3)
    assert not (intermediaries(after) & names)
    assert loader().builds == builds + 1


def test_a_person_out_of_the_directory_is_no_target_for_members(demo: Any) -> None:
    claire = viewer_for(demo.user("docteur"))
    hidden = Person.objects.filter(directory_opt_out=True).first()
    assert hidden is not None
    with pytest.raises(queries.NotFound):
        queries.paths_to_person(claire, hidden.pk)
    # Staff find them (an account of the staff has no directory entry to start from).
    with pytest.raises(queries.NoSource):
        queries.paths_to_person(viewer_for(demo.user("staff")), hidden.pk)


def test_a_career_shown_to_paying_members_only_explains_no_path_to_others(demo: Any) -> None:
    claire = demo.person("docteur")
    viewer = viewer_for(demo.user("docteur"))
    acri = org("ACRI-ST")
    colleagues = Person.objects.filter(positions__organisation=acri).exclude(pk=claire.pk)
    network_index()
    builds = loader().builds
    for person in colleagues:
        person.field_visibility = {"positions": "paying"}
        person.save()
    paths = queries.paths_to_org(viewer, acri.pk, k=3)
    assert loader().builds == builds
    assert "collègues chez ACRI-ST" not in json.dumps(paths, ensure_ascii=False)
    staff_view = audience(2)
    assert staff_view.level == 2


def test_a_new_tie_is_used_by_the_next_query(demo: Any, make_person: Any) -> None:
    viewer = viewer_for(demo.user("docteur"))
    claire = demo.person("docteur")
    stranger = make_person("Zoé", "Inconnue", school="N", year=1961, thesis=None)
    network_index()  # built before the change
    builds = loader().builds
    assert all(len(p["hops"]) > 1 for p in queries.paths_to_person(viewer, stranger.pk))
    Tie.objects.create(source_person=claire, target_person=stranger, kind="mentor", strength=1)
    paths = queries.paths_to_person(viewer, stranger.pk)
    assert paths[0]["hops"][0]["reason"] == "mentorat"
    assert len(paths[0]["hops"]) == 1
    assert loader().builds == builds  # applied from the change log, not rebuilt


def test_who_at_lists_current_former_and_funded_with_paths(demo: Any) -> None:
    viewer = viewer_for(demo.user("docteur"))
    tas = org("Thales Alenia Space")
    who = queries.who_at(viewer, tas.pk)
    assert who["organisation"]["name"] == "Thales Alenia Space"
    everyone = who["current"] + who["former"] + who["funded"]
    assert who["funded"], "Claire's thesis was a CIFRE with TAS"
    assert any(row["person"]["is_viewer"] for row in who["funded"])
    reachable = [r for r in everyone if r["path"] and not r["person"]["is_viewer"]]
    assert reachable
    for row in reachable:
        assert row["path"]["hops"][-1]["to"]["name"] == row["person"]["name"]
    current = Position.objects.filter(organisation=tas, end__isnull=True).count()
    assert len(who["current"]) <= current


def test_the_ego_map_has_two_rings_and_filters(demo: Any) -> None:
    viewer = viewer_for(demo.user("docteur"))
    data = queries.ego_map(viewer)
    rings = {n["ring"] for n in data["nodes"]}
    assert rings == {0, 1, 2}
    assert all(e["reason"] for e in data["edges"])
    cohorts = queries.ego_map(viewer, filters=["cohort"])
    kinds = {n["kind"] for n in cohorts["nodes"] if n["ring"] == 1}
    assert kinds == {"cohort"}
    assert {n["name"] for n in cohorts["nodes"] if n["ring"] == 1} == {"P19"}


# -- pages ------------------------------------------------------------------------------------


@pytest.fixture
def claire_client(demo: Any) -> Client:
    client = Client()
    client.force_login(demo.user("docteur"))
    return client


def test_the_ego_page_draws_with_the_local_plotly(claire_client: Client) -> None:
    response = claire_client.get("/reseau/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/plotly/plotly.min.js" in html
    assert "cdn" not in html.lower()
    assert 'id="ego-map"' in html
    assert "/annuaire/" in html  # people link to their profile


def test_the_organisation_page_shows_paths_and_who_we_know(claire_client: Client) -> None:
    acri = org("ACRI-ST")
    response = claire_client.get(f"/organisations/{acri.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vos chemins" in html and "Qui connaît-on ici ?" in html
    assert "collègues chez ACRI-ST depuis" in html
    found = claire_client.get("/organisations/", {"q": "acri st"})
    assert found.status_code == 302 and found["Location"] == f"/organisations/{acri.pk}/"


def test_the_organisation_page_counts_everyone_and_folds_long_lists(
    claire_client: Client,
) -> None:
    from datetime import date

    big = Organisation.objects.create(name="Grande Maison", kind="company")
    people = Person.objects.bulk_create(
        Person(first_name="Salarié", last_name=f"Numéro {n:03d}") for n in range(129)
    )
    Position.objects.bulk_create(
        Position(person=p, organisation=big, title="Ingénieur", start=date(2020, 1, 1))
        for p in people
    )
    invalidate()
    html = claire_client.get(f"/organisations/{big.pk}/").content.decode()
    heading = html.split("Y travaillent")[1].split("</h3>")[0]
    assert "(129)" in heading and "(100)" not in heading
    # The first rows are shown, the others folded; the directory lists them all.
    table = html.split("Y travaillent")[1].split("Y ont travaillé")[0]
    shown, folded = table.split("<details", 1)
    assert shown.count("<tr>") == 1 + 10  # header and ten people
    assert folded.count("<tr>") == 1 + 90  # the hundred closest in all
    assert f"/annuaire/?organisation={big.pk}" in table


def test_the_paths_page_to_a_person(claire_client: Client, demo: Any) -> None:
    bernard = demo.person("ingenieur")
    response = claire_client.get(f"/reseau/chemins/{bernard.pk}/")
    assert response.status_code == 200
    assert "Comment rencontrer Bernard Vasseur ?" in response.content.decode()
    hidden = Person.objects.filter(directory_opt_out=True).first()
    assert hidden is not None
    assert claire_client.get(f"/reseau/chemins/{hidden.pk}/").status_code == 404


def test_an_account_without_a_person_gets_a_notice(demo: Any) -> None:
    client = Client()
    client.force_login(demo.user("staff"))
    response = client.get("/reseau/")
    assert response.status_code == 200
    assert "pas de réseau à dessiner" in response.content.decode()


def test_the_pages_need_a_signed_in_member(client: Client, db: None) -> None:
    for url in ("/reseau/", "/organisations/", "/organisations/1/", "/reseau/chemins/1/"):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_the_nav_links_to_the_network(claire_client: Client) -> None:
    assert 'href="/reseau/"' in claire_client.get("/").content.decode()


# -- API --------------------------------------------------------------------------------------


def test_the_api_answers_401_to_the_anonymous(client: Client, db: None) -> None:
    for url in ("/api/network/paths?to=1", "/api/network/organisations/1/who", "/api/network/ego"):
        response = client.get(url)
        assert response.status_code == 401, url


def test_the_api_gives_the_pages_answers(claire_client: Client, demo: Any) -> None:
    viewer = viewer_for(demo.user("docteur"))
    airbus = org("Airbus Defence and Space")
    response = claire_client.get("/api/network/paths", {"to_org": airbus.pk})
    assert response.status_code == 200
    assert response.json()["paths"] == queries.paths_to_org(viewer, airbus.pk)
    who = claire_client.get(f"/api/network/organisations/{airbus.pk}/who")
    assert who.status_code == 200 and who.json()["organisation"]["id"] == airbus.pk
    ego = claire_client.get("/api/network/ego", {"depth": 1, "liens": "tie,lab"})
    assert ego.status_code == 200 and {n["ring"] for n in ego.json()["nodes"]} == {0, 1}
    hidden = Person.objects.filter(directory_opt_out=True).first()
    assert hidden is not None
    assert claire_client.get("/api/network/paths", {"to": hidden.pk}).status_code == 404
    # Neither `to` nor `to_org`: no target, no path (the schema calls both optional).
    assert claire_client.get("/api/network/paths").json() == {"paths": []}


# -- CLI --------------------------------------------------------------------------------------


@pytest.fixture
def cli() -> Iterator[CliRunner]:
    """A runner for `filon` in process, putting Django's loggers back afterwards."""
    loggers = [logging.getLogger()] + [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate, lg.disabled) for lg in loggers]
    yield CliRunner()
    for lg, handlers, level, propagate, disabled in saved:
        lg.handlers[:] = handlers
        lg.setLevel(level)
        lg.propagate, lg.disabled = propagate, disabled


def test_cli_paths_to_an_organisation_in_json(cli: CliRunner, demo: Any) -> None:
    result = cli.invoke(
        app,
        [
            "paths",
            "--from",
            "claire.dumas@example.org",
            "--to-org",
            "ACRI-ST",
            "--k",
            "2",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["target"]["name"] == "ACRI-ST"
    assert 1 <= len(data["paths"]) <= 2
    assert data["paths"][0]["hops"][-1]["to"]["name"] == "ACRI-ST"


def test_cli_paths_to_a_person_in_words(cli: CliRunner, demo: Any) -> None:
    result = cli.invoke(
        app, ["paths", "--from", "claire.dumas@example.org", "--to", "bernard.vasseur@example.org"]
    )
    assert result.exit_code == 0, result.output
    assert "Vers Bernard Vasseur" in result.stdout
    assert "Claire Dumas →" in result.stdout


def test_cli_paths_needs_one_target(cli: CliRunner, db: None) -> None:
    result = cli.invoke(app, ["paths", "--from", "claire.dumas@example.org"])
    assert result.exit_code == 2


def test_cli_who_at_in_json(cli: CliRunner, demo: Any) -> None:
    result = cli.invoke(
        app, ["who-at", "Thales Alenia Space", "--from", "claire.dumas@example.org", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["organisation"]["name"] == "Thales Alenia Space"
    assert any(row["person"]["name"] == "Claire Dumas" for row in data["funded"])
    unknown = cli.invoke(app, ["who-at", "Nulle Part SA"])
    assert unknown.exit_code == 1


def test_cli_paths_from_a_member_without_an_account(cli: CliRunner, demo: Any) -> None:
    contact = ContactPoint.objects.filter(
        kind="email", person__account__isnull=True, person__directory_opt_out=False
    ).first()
    assert contact is not None
    result = cli.invoke(app, ["paths", "--from", contact.value, "--to-org", "ACRI-ST", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["target"]["name"] == "ACRI-ST"


def test_cli_index_compact_and_status_in_json(cli: CliRunner, demo: Any) -> None:
    result = cli.invoke(app, ["index", "compact", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["nodes"] > Person.objects.count() and data["edges"] > 0
    assert data["path"].endswith(data["path"].split("/")[-1]) and "graph-" in data["path"]
    assert set(data) == {"seq", "nodes", "edges", "seconds", "path"}
    Tie.objects.create(
        source_person=demo.person("docteur"),
        target_person=demo.person("ingenieur"),
        kind="event",
        strength=0.5,
    )
    status = cli.invoke(app, ["index", "status", "--json"])
    assert status.exit_code == 0, status.output
    facts = json.loads(status.stdout)
    assert facts["snapshot"] == data["path"].split("/")[-1]
    assert facts["snapshot_seq"] == data["seq"] and facts["log_seq"] > data["seq"]
    assert facts["overlay_nodes"] >= 1 and facts["pending"] == 0
