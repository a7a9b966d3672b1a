"""The directory search's "offers help" facet (``aide=1``): people with an active offer of help."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from typer.testing import CliRunner

from filon.cli import app
from filon.directory.models import Person
from filon.directory.privacy import audience, viewer_for
from filon.directory.search import OFFERS_HELP, SearchParams, search
from filon.outreach.models import Offer, OfferKind
from tests.directory.conftest import Cast

URL = "/annuaire/"
HELP = {"aide": (OFFERS_HELP,)}


def offer(person: Person, *, active: bool = True) -> Offer:
    return Offer.objects.create(
        person=person, kind=OfferKind.CV_REVIEW, title="Relire votre CV", is_active=active
    )


@dataclass
class Network:
    cast: Cast
    helpers: set[int]  # what the ORM says: found by members, with at least one active offer
    hidden: int  # a helper who opted out of the directory: found by staff only


@pytest.fixture
def network(cast: Cast, make_person: Any) -> Network:
    """The cast plus six people: two helpers (one with two offers), one with only a withdrawn
    offer, one opted-out helper, two without any offer; Hélène herself offers help."""
    one, two, withdrawn, hidden, _plain1, _plain2 = (
        make_person("Aide", f"Personne{i}") for i in range(6)
    )
    offer(one)
    offer(two)
    offer(two)
    offer(withdrawn, active=False)
    hidden.directory_opt_out = True
    hidden.save()
    offer(hidden)
    offer(cast.person)
    helpers = set(
        Person.objects.filter(directory_opt_out=False, offers__is_active=True)
        .distinct()
        .values_list("pk", flat=True)
    )
    assert helpers == {one.pk, two.pk, cast.person.pk}
    return Network(cast, helpers, hidden.pk)


def _help_facet(page: Any) -> dict[str, int]:
    return {o.value: o.count for f in page.facets if f.key == "aide" for o in f.options}


@pytest.mark.parametrize("level", [0, 1, 2])
def test_the_count_equals_an_orm_count_at_every_audience_level(
    network: Network, level: int
) -> None:
    page = search(audience(level), SearchParams(), per_page=1000)
    # Staff find everyone, the opted-out helper too; members do not.
    people = Person.objects.all() if level == 2 else Person.objects.filter(directory_opt_out=False)
    assert page.total == people.count()
    helpers = network.helpers | ({network.hidden} if level == 2 else set())
    assert _help_facet(page) == {OFFERS_HELP: len(helpers)}


def test_filtering_returns_exactly_the_helpers(network: Network) -> None:
    page = search(viewer_for(network.cast.member), SearchParams(filters=HELP), per_page=1000)
    assert {r.id for r in page.results} == network.helpers
    assert page.total == len(network.helpers)
    [facet] = [f for f in page.facets if f.key == "aide"]
    assert [(o.label, o.count, o.selected) for o in facet.options] == [
        ("Propose son aide", len(network.helpers), True)
    ]


def test_the_count_follows_the_query(network: Network) -> None:
    page = search(viewer_for(network.cast.member), SearchParams(query="Hélène Durand"))
    assert [r.id for r in page.results] == [network.cast.person.pk]
    assert _help_facet(page) == {OFFERS_HELP: 1}


def test_a_new_or_withdrawn_offer_is_seen_at_the_next_search(cast: Cast, make_person: Any) -> None:
    member = viewer_for(cast.member)
    newcomer = make_person("Nadia", "Nouvelle")
    assert newcomer.pk not in {
        r.id for r in search(member, SearchParams(filters=HELP), per_page=1000).results
    }  # the index is built, without her
    created = offer(newcomer)
    found = search(member, SearchParams(filters=HELP), per_page=1000)
    assert [r.id for r in found.results] == [newcomer.pk]
    created.is_active = False
    created.save()
    assert search(member, SearchParams(filters=HELP)).total == 0
    created.is_active = True
    created.save()
    assert search(member, SearchParams(filters=HELP)).total == 1
    created.delete()
    assert search(member, SearchParams(filters=HELP)).total == 0


def test_the_page_shows_the_facet_and_filters_on_it(network: Network) -> None:
    client = network.cast.client("member")
    html = client.get(URL).content.decode()
    assert "Entraide" in html
    assert "Propose son aide" in html
    assert "?aide=1" in html  # the toggle link
    filtered = client.get(URL, {"aide": OFFERS_HELP}).content.decode()
    assert f"{len(network.helpers)} résultats" in filtered
    assert 'name="aide" value="1"' in filtered  # kept when the query is retyped


def test_the_api_exposes_the_facet_and_the_filter(network: Network) -> None:
    client = network.cast.client("member")
    everyone = client.get("/api/search").json()
    count = len(network.helpers)
    assert everyone["facets"]["aide"] == [
        {"value": "1", "label": "Propose son aide", "count": count, "selected": False}
    ]
    helpers = client.get("/api/search", {"aide": "1"}).json()
    assert {r["id"] for r in helpers["results"]} == network.helpers
    assert helpers["facets"]["aide"][0]["selected"] is True
    schema = client.get("/api/openapi.json").json()
    names = {p["name"] for p in schema["paths"]["/api/search"]["get"]["parameters"]}
    assert "aide" in names


def test_the_cli_filters_on_offers_of_help(network: Network) -> None:
    result = CliRunner().invoke(app, ["search", "--offers-help", "--limit", "100", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # The command searches as staff: the opted-out helper too, marked.
    staff_finds = network.helpers | {network.hidden}
    assert {r["id"] for r in data["results"]} == staff_finds
    assert [r["opted_out"] for r in data["results"] if r["id"] == network.hidden] == [True]
    assert data["facets"]["aide"][0]["count"] == len(staff_finds)
