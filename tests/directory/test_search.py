"""Directory search with the database: privacy before the index, facets, page, API, CLI."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils.html import escape
from typer.testing import CliRunner

from filon.cli import app
from filon.directory import indexing, search_engine
from filon.directory.index_signals import invalidate
from filon.directory.models import Affiliation, Person, Position, SearchDocument, Skill
from filon.directory.privacy import audience, viewer_for
from filon.directory.search import SearchParams, search
from filon.orgs.models import Organisation
from tests.directory.conftest import Cast

URL = "/annuaire/"
RESULT_LINK = r'class="result-name" href="/annuaire/(\d+)/"'
THROTTLED = "Limite atteinte : 2 consultations de l&#x27;annuaire par minute."


def found(viewer_or_user: Any, query: str = "", **filters: Any) -> list[int]:
    viewer = viewer_or_user if hasattr(viewer_or_user, "level") else viewer_for(viewer_or_user)
    params = SearchParams(query=query, filters={k: tuple(v) for k, v in filters.items()})
    return [row.id for row in search(viewer, params, per_page=1000).results]


# -- privacy before the index -------------------------------------------------------------


def test_an_opted_out_person_is_found_by_staff_only_and_marked(cast: Cast) -> None:
    """The one rule of filon.directory.privacy: staff find everyone, members never find an
    opted-out person (in search too; they still see their own profile)."""
    helene = cast.person
    assert helene.pk in found(cast.member, "Hélène Durand")
    helene.directory_opt_out = True
    helene.save()
    for role in ("member", "paying", "owner"):
        assert helene.pk not in found(cast.user(role), "Hélène Durand"), role
        assert helene.pk not in found(cast.user(role), ""), role
    assert found(cast.staff, "Hélène Durand") == [helene.pk]
    assert helene.pk in found(cast.staff, "")
    api = cast.client("member").get("/api/search", {"q": "Durand"})
    assert helene.pk not in [r["id"] for r in api.json()["results"]]
    page = cast.client("member").get(URL, {"q": "Hélène Durand"}).content.decode()
    assert "Aucun résultat pour « Hélène Durand »" in page
    staff_page = cast.client("staff").get(URL, {"q": "Hélène Durand"}).content.decode()
    assert f'href="/annuaire/{helene.pk}/"' in staff_page and "hors annuaire" in staff_page
    assert cast.client("staff").get(f"/annuaire/{helene.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("level", "who_finds"),
    [
        ("members", {"member", "paying", "staff"}),
        ("paying", {"paying", "staff"}),
        ("private", {"staff"}),
    ],
)
def test_it_searches_a_field_group_only_for_its_audience(
    cast: Cast, level: str, who_finds: set[str]
) -> None:
    cast.set_visibility(positions=level)
    for role in ("member", "paying", "staff"):
        hits = found(cast.user(role), "Forges de Niaux")
        assert (cast.person.pk in hits) == (role in who_finds), role


def test_it_hides_private_positions_from_members_facets_and_results(cast: Cast) -> None:
    cast.set_visibility(positions="private")
    forges = Organisation.objects.get(name="Forges de Niaux")
    member = search(viewer_for(cast.member), SearchParams(query="Hélène Durand"))
    assert [r.id for r in member.results] == [cast.person.pk]
    assert member.results[0].position is None  # no current position shown
    orgs = {o.value for f in member.facets if f.key == "organisation" for o in f.options}
    assert str(forges.pk) not in orgs
    staff = search(viewer_for(cast.staff), SearchParams(query="Hélène Durand"))
    assert staff.results[0].position == "Directrice des essais — Forges de Niaux"
    html = cast.client("member").get(URL, {"q": "Forges"}).content.decode()
    assert "Hélène" not in html


def test_it_hides_a_private_city_and_thesis_and_skills_from_members(cast: Cast) -> None:
    cast.set_visibility(city="private", thesis="private", skills="private")
    for query in ("Grenoble", "réservoirs fracturés", "Métallurgie des poudres"):
        assert cast.person.pk not in found(cast.member, query), query
        assert cast.person.pk in found(cast.staff, query), query


# -- accent, typo, stemming on the demo network --------------------------------------------


def test_it_folds_accents_tolerates_a_typo_and_stems(demo: Any) -> None:
    claire = demo.person("docteur")
    staff = audience(2)
    assert claire.pk in found(staff, "claire dumas")
    assert claire.pk in found(staff, "Claire Dumaz")
    assert claire.pk in found(staff, "télédétections")
    assert claire.pk in found(staff, "TELEDETECTION sophia antipolis")
    bernard = demo.person("ingenieur")
    assert bernard.pk in found(staff, "alliage aluminium")
    assert bernard.pk in found(staff, "vaseur")
    assert Person.objects.filter(city="Saint-Étienne").exists()
    saint_etienne = found(staff, "saint etienne", city=["saint etienne"])
    assert set(saint_etienne) == set(
        Person.objects.filter(city="Saint-Étienne").values_list("pk", flat=True)
    )


def test_a_promo_label_in_the_query_filters_on_that_promo(demo: Any) -> None:
    bernard = demo.person("ingenieur")
    assert found(audience(2), "P58 vasseur") == [bernard.pk]
    p58 = set(found(audience(2), "P58"))
    assert bernard.pk in p58
    assert p58 == set(
        _people(affiliations__school__code="P", affiliations__year=1958).values_list(
            "pk", flat=True
        )
    )
    assert found(audience(2), "E58 vasseur") == []


# -- facets against the ORM ----------------------------------------------------------------


def _people(**kwargs: Any) -> Any:
    """Everyone the staff's level finds: the whole directory, opted-out people included."""
    return Person.objects.filter(**kwargs)


def _distinct(pairs: Any) -> dict[str, int]:
    return dict(Counter(str(value) for _p, value in set(pairs)))


def _facets(page: Any) -> dict[str, dict[str, int]]:
    return {f.key: {o.value: o.count for o in f.options} for f in page.facets}


def test_facet_counts_equal_plain_orm_counts(demo: Any) -> None:
    page = search(audience(2), SearchParams())
    facets = _facets(page)
    visible = Affiliation.objects.all()
    assert page.total == _people().count()
    assert facets["school"] == _distinct(visible.values_list("person_id", "school__code"))
    assert facets["track"] == _distinct(visible.values_list("person_id", "track"))
    assert facets["decade"] == _distinct(
        (p, y // 10 * 10) for p, y in visible.values_list("person_id", "year")
    )
    current = Position.objects.filter(end__isnull=True)
    orgs = _distinct(current.values_list("person_id", "organisation_id"))
    top = sorted(orgs.items(), key=lambda kv: -kv[1])[:10]
    assert sorted(facets["organisation"].values(), reverse=True) == [n for _o, n in top]
    for org, count in facets["organisation"].items():
        assert orgs[org] == count
    sectors = _distinct(
        (p, s[:2])
        for p, s in current.exclude(organisation__sector=None).values_list(
            "person_id", "organisation__sector_id"
        )
    )
    for sector, count in facets["sector"].items():
        assert sectors[sector] == count
    countries = _distinct(_people().values_list("pk", "country"))
    assert facets["country"] == dict(sorted(countries.items(), key=lambda kv: -kv[1])[:10])


def test_facet_counts_follow_the_query_and_the_filters(demo: Any) -> None:
    page = search(
        audience(2), SearchParams(query="python", filters={"school": ("P",)}), per_page=1000
    )
    ids = {r.id for r in page.results}
    expected = set(
        _people(skills__name="Python", affiliations__school__code="P").values_list("pk", flat=True)
    )
    # "python" is only a skill in the demo network.
    assert ids == expected
    tracks = _distinct(
        Affiliation.objects.filter(person_id__in=ids).values_list("person_id", "track")
    )
    assert _facets(page)["track"] == tracks
    assert _facets(page)["school"]["P"] == len(ids)


def test_vintage_range_and_decade_filters(demo: Any) -> None:
    page = search(audience(2), SearchParams(vintage_from=1958, vintage_to=1962), per_page=1000)
    expected = set(
        _people(affiliations__year__gte=1958, affiliations__year__lte=1962).values_list(
            "pk", flat=True
        )
    )
    assert {r.id for r in page.results} == expected
    assert demo.person("ingenieur").pk in expected
    by_decade = found(audience(2), "", decade=["1950"])
    assert set(by_decade) == set(
        _people(affiliations__year__gte=1950, affiliations__year__lte=1959).values_list(
            "pk", flat=True
        )
    )


# -- freshness ------------------------------------------------------------------------------


def test_the_index_sees_a_new_position_right_after_it_is_saved(cast: Cast) -> None:
    assert found(cast.member, "Zeppelin") == []
    zeppelin = Organisation.objects.create(name="Zeppelin Luftschifftechnik", kind="company")
    Position.objects.create(
        person=cast.person, organisation=zeppelin, title="Pilote", start=date(2024, 1, 1)
    )
    assert found(cast.member, "Zeppelin") == [cast.person.pk]
    assert found(cast.member, "Luftschifftechnik pilote") == [cast.person.pk]


def test_the_index_sees_renames_skills_and_opt_outs(cast: Cast) -> None:
    helene = Person.objects.get(pk=cast.person.pk)
    helene.last_name = "Durand-Morel"
    helene.save()
    assert found(cast.member, "Morel") == [helene.pk]
    helene.skills.add(Skill.objects.create(name="Spectrométrie"))
    assert found(cast.member, "spectrometrie") == [helene.pk]
    helene.skills.clear()
    assert found(cast.member, "spectrometrie") == []


def test_bulk_writers_invalidate_by_hand(cast: Cast) -> None:
    assert found(cast.member, "Grenoble") == [cast.person.pk]
    Person.objects.filter(pk=cast.person.pk).update(city="Ushuaïa")  # no signal
    assert found(cast.member, "Ushuaia") == []
    invalidate([cast.person.pk])
    assert found(cast.member, "Ushuaia") == [cast.person.pk]
    assert found(cast.member, "Grenoble") == []


def test_a_write_costs_the_same_queries_whatever_the_directory_size(
    demo: Any, django_assert_max_num_queries: Any
) -> None:
    claire = demo.person("docteur")
    with django_assert_max_num_queries(20):
        indexing.reindex([claire.pk])


def test_another_process_sees_a_write_without_reloading(cast: Cast) -> None:
    """Two processes: each applies the changed documents, neither rereads the directory."""
    first, second = search_engine.FacetState(), search_engine.FacetState()
    first.load()
    second.load()
    loaded = (first.loaded_at, second.loaded_at)
    helene = Person.objects.get(pk=cast.person.pk)
    helene.city = "Ushuaïa"
    helene.save()
    for state in (first, second):
        assert state.catch_up() == 3  # one document per audience level
        assert state.catch_up() == 0
        city = state.by_value[("city", "ushuaia")]
        assert state.count(None, 0)[city] == 1
        grenoble = state.by_value[("city", "grenoble")]
        assert state.count(None, 0)[grenoble] == 0
    assert (first.loaded_at, second.loaded_at) == loaded


def test_an_erased_person_leaves_every_index(cast: Cast) -> None:
    pk = cast.person.pk
    assert found(cast.staff, "Durand") == [pk]
    state = search_engine.state()
    Person.objects.filter(pk=pk).delete()
    assert found(cast.staff, "Durand") == []
    assert pk not in found(cast.staff, "")
    assert not state.present[2][pk]
    assert SearchDocument.objects.get(person_id=pk, level=2).hidden


def test_swapped_letters_and_typos_find_the_name(make_person: Any, cast: Cast) -> None:
    oceane = make_person("Océane", "Weber")
    paulette = make_person("Paulette", "Turpin")
    martine = make_person("Martine", "Lemaire")
    staff = audience(2)
    assert found(staff, "oceane webre") == [oceane.pk]
    assert found(staff, "paulette turpni") == [paulette.pk]
    assert found(staff, "Etienne") == found(staff, "Étienne")
    # A name is folded, never stemmed: "Martin" is not "Martine" (it exists as written).
    make_person("Jean", "Martin")
    assert martine.pk not in found(staff, "martin ")


def test_a_new_person_is_found_at_once(make_person: Any, cast: Cast) -> None:
    assert found(cast.member, "Zoé Kowalczyk") == []
    zoe = make_person("Zoé", "Kowalczyk")
    assert found(cast.member, "zoe kowalczyk") == [zoe.pk]
    assert found(cast.member, "kowal") == [zoe.pk]  # the last word, being typed, is a prefix


# -- the page -------------------------------------------------------------------------------


@pytest.fixture
def claire_client(demo: Any) -> Client:
    client = Client()
    client.force_login(demo.user("docteur"))
    return client


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, db: None) -> None:
    response = client.get(URL, {"q": "dumas"})
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=/annuaire/")
    api = client.get("/api/search", {"q": "dumas"})
    assert api.status_code == 401


def test_the_page_shows_results_with_promo_position_and_highlights(
    claire_client: Client, demo: Any
) -> None:
    bernard = demo.person("ingenieur")
    response = claire_client.get(URL, {"q": "vasseur alliages"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/annuaire/{bernard.pk}/"' in html
    assert '<span class="promo">P58</span>' in html
    assert "<mark>alliages</mark>" in html
    assert "Bernard <mark>Vasseur</mark>" in html
    assert "1 résultat" in html
    assert 'name="q" value="vasseur alliages"' in html
    assert 'href="/annuaire/"' in html  # the nav link "Annuaire"


def test_the_page_shows_the_current_position(claire_client: Client, demo: Any) -> None:
    html = claire_client.get(URL, {"q": "Claire Dumas"}).content.decode()
    assert escape("Ingénieure de recherche en traitement d'images — ACRI-ST") in html


def test_the_page_highlights_the_name_a_typo_was_read_as(claire_client: Client) -> None:
    html = claire_client.get(URL, {"q": "claire dumaz"}).content.decode()
    assert "<mark>Claire</mark> <mark>Dumas</mark>" in html


def test_the_page_says_when_nothing_matches(claire_client: Client) -> None:
    html = claire_client.get(URL, {"q": "xyzzy"}).content.decode()
    assert "Aucun résultat pour « xyzzy »." in html
    assert "0 résultat" in html


def test_the_page_paginates(claire_client: Client) -> None:
    first = claire_client.get(URL).content.decode()
    pages = int(re.search(r"Page 1 sur (\d+)", first).group(1))  # type: ignore[union-attr]
    assert pages == -(-Person.objects.filter(directory_opt_out=False).count() // 20)
    second = claire_client.get(URL, {"page": 2}).content.decode()
    assert f"Page 2 sur {pages}" in second
    ids = set(re.findall(RESULT_LINK, first))
    assert ids and ids.isdisjoint(re.findall(RESULT_LINK, second))
    assert 'href="?page=3"' in second and 'href="?page=1"' in second


def test_facet_links_keep_the_query_and_toggle_one_value(claire_client: Client) -> None:
    html = claire_client.get(URL, {"q": "python", "school": "P"}).content.decode()
    assert 'href="?q=python&amp;school=P&amp;track=docteur"' in html
    assert 'href="?q=python"' in html  # unselects P (and "Effacer les filtres")
    assert '<input type="hidden" name="school" value="P">' in html


def test_htmx_requests_get_only_the_results(claire_client: Client) -> None:
    response = claire_client.get(URL, {"q": "dumas"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="search-results"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


@override_settings(PEOPLE_PER_MINUTE=2)
def test_the_rate_limit_answers_429_with_a_message(claire_client: Client) -> None:
    assert claire_client.get(URL, {"q": "a1"}).status_code == 200
    assert claire_client.get("/api/search", {"q": "a2"}).status_code == 200
    page = claire_client.get(URL, {"q": "a3"})
    assert page.status_code == 429
    assert THROTTLED in page.content.decode()
    partial = claire_client.get(URL, {"q": "a4"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 429 and THROTTLED in partial.content.decode()
    api = claire_client.get("/api/search", {"q": "a5"})
    assert api.status_code == 429
    assert api.json()["detail"].startswith(html.unescape(THROTTLED))
    assert int(api["Retry-After"]) >= 1


def test_the_page_costs_the_same_queries_for_1_or_20_results(claire_client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    claire_client.get(URL, {"q": "warm"})  # loads the facet columns
    counts, totals = [], []
    narrow = {"q": "ingenieur ", "vintage_from": 1958, "vintage_to": 1958}
    for params in (narrow, {"q": "ingenieur "}):
        with CaptureQueriesContext(connection) as queries:
            response = claire_client.get(URL, params)
        assert response.status_code == 200
        totals.append(len(re.findall(RESULT_LINK, response.content.decode())))
        counts.append(len(queries))
    assert 1 <= totals[0] < totals[1] == 20
    # Session, account, rate limit, dues, changed documents, match, page documents, labels:
    # nothing per result (an empty employer or city facet skips its label query).
    assert counts[0] <= counts[1] <= counts[0] + 2
    assert counts[1] <= 24


# -- API and CLI ----------------------------------------------------------------------------


def test_the_api_returns_results_and_facets(claire_client: Client, demo: Any) -> None:
    claire = demo.person("docteur")
    data = claire_client.get("/api/search", {"q": "dumas", "school": "P"}).json()
    assert set(data) >= {"total", "page", "results", "facets"}
    hit = next(r for r in data["results"] if r["id"] == claire.pk)
    assert hit["name"] == "Claire Dumas"
    assert hit["promo"] == "P19"
    assert hit["position"].endswith("ACRI-ST")
    assert {"field": "name", "words": ["Dumas"]} in hit["matched"]
    assert [v["value"] for v in data["facets"]["school"]] == ["P"]
    assert data["facets"]["school"][0]["selected"] is True


def test_the_api_documents_the_search(client: Client, db: None) -> None:
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/search"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "school", "track", "page"} <= names
    assert "429" in operation["responses"]


def test_the_api_applies_the_same_visibility_rules(cast: Cast) -> None:
    cast.set_visibility(positions="private")
    member = cast.client("member").get("/api/search", {"q": "Forges"}).json()
    staff = cast.client("staff").get("/api/search", {"q": "Forges"}).json()
    assert member["total"] == 0
    assert [r["id"] for r in staff["results"]] == [cast.person.pk]


def test_the_cli_prints_the_staff_results_as_json(demo: Any) -> None:
    result = CliRunner().invoke(app, ["search", "télédétection", "--limit", "5", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    expected = search(audience(2), SearchParams(query="télédétection"), per_page=5)
    assert data["total"] == expected.total > 0
    assert [r["id"] for r in data["results"]] == [r.id for r in expected.results]
    assert set(data["results"][0]) >= {"id", "name", "promo", "position", "matched"}


def test_the_cli_finds_opted_out_people_as_the_staffs_page_does(demo: Any) -> None:
    hidden = Person.objects.filter(directory_opt_out=True).first()
    assert hidden is not None
    result = CliRunner().invoke(app, ["search", hidden.full_name, "--json"])
    rows = {r["id"]: r for r in json.loads(result.stdout)["results"]}
    assert rows[hidden.pk]["opted_out"] is True


def test_the_bench_runs_end_to_end_on_a_small_network(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "FILON_DATA_DIR"}}
    out = subprocess.run(
        [sys.executable, "-m", "filon.cli", "bench", "search", "--members", "120",
         "--queries", "12", "--data-dir", str(tmp_path), "--json"],
        capture_output=True, text=True, env=env, timeout=300, check=True,
    )  # fmt: skip
    report = json.loads(out.stdout)
    assert report["people"] == 120 and report["queries"] == 12
    assert report["view"]["median_ms"] > 0 and report["baseline"]["median_ms"] > 0
    assert report["speedup_median"] > 0
    assert set(report["by_category"]) >= {"nom", "nom avec une faute", "facettes seules"}


def test_search_requires_a_signed_in_viewer(db: None) -> None:
    from django.core.exceptions import PermissionDenied

    from filon.directory.privacy import ANONYMOUS

    with pytest.raises(PermissionDenied):
        search(ANONYMOUS, SearchParams(query="x"))
