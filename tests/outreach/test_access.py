"""Nobody signed in gets the login page (or 401 from the API) everywhere in outreach and
events — except the one-click answer page, which a link from an e-mail opens."""

from __future__ import annotations

import pytest

from filon.outreach import actions
from filon.outreach.models import Ask, Offer
from tests.outreach.conftest import Cast, links_in, sent_to

PAGES = [
    "/entraide/",
    "/entraide/demandes/nouvelle/",
    "/entraide/demandes/{ask}/",
    "/entraide/demandes/{ask}/modifier/",
    "/entraide/offres/nouvelle/",
    "/entraide/offres/{offer}/",
    "/entraide/offres/{offer}/modifier/",
    "/entraide/ecrire/{person}/",
    "/entraide/contacts/{request}/",
    "/entraide/presentation/{person}/",
    "/entraide/presentations/{intro}/",
    "/entraide/mes-echanges/",
    "/entraide/mon-bilan/",
    "/evenements/",
    "/evenements/nouveau/",
]
POSTS = [
    "/entraide/demandes/{ask}/etat/",
    "/entraide/offres/{offer}/etat/",
    "/entraide/contacts/{request}/repondre/",
    "/entraide/contacts/{request}/retirer/",
    "/entraide/contacts/{request}/suivi/",
    "/entraide/presentations/{intro}/repondre/",
    "/entraide/presentations/{intro}/retirer/",
    "/entraide/presentations/{intro}/suivi/",
]
API = [
    ("get", "/api/asks"),
    ("post", "/api/asks"),
    ("get", "/api/asks/{ask}"),
    ("get", "/api/asks/{ask}/matches"),
    ("get", "/api/offers"),
    ("post", "/api/offers"),
    ("get", "/api/offers/{offer}"),
    ("get", "/api/contact-requests"),
    ("post", "/api/contact-requests"),
    ("get", "/api/contact-requests/{request}"),
    ("post", "/api/contact-requests/{request}/answer"),
    ("get", "/api/introductions"),
    ("post", "/api/introductions"),
    ("get", "/api/introductions/{intro}"),
    ("post", "/api/introductions/{intro}/answer"),
]


@pytest.fixture
def ids(cast: Cast) -> dict[str, int]:
    ask = actions.post_ask(cast.a, kind="job", title="Un emploi")
    offer = actions.post_offer(cast.b, kind="mentoring", title="Parrainer")
    request = actions.send_contact_request(cast.a, cast.person("b"), message="Bonjour")
    intro = actions.request_introduction(
        cast.a, connector=cast.person("b"), target=cast.person("c"), reason="Pour apprendre."
    )
    assert isinstance(ask, Ask) and isinstance(offer, Offer)
    return {
        "ask": ask.pk,
        "offer": offer.pk,
        "request": request.pk,
        "intro": intro.pk,
        "person": cast.person("b").pk,
    }


def test_pages_send_anonymous_visitors_to_the_login_page(cast: Cast, ids: dict[str, int]) -> None:
    client = cast.client("anonymous")
    for path in PAGES:
        response = client.get(path.format(**ids))
        assert response.status_code == 302, path
        assert response["Location"].startswith("/connexion/"), path
    for path in POSTS:
        response = client.post(path.format(**ids), {"answer": "accept"})
        assert response.status_code == 302, path
        assert response["Location"].startswith("/connexion/"), path


def test_the_api_answers_401_to_anonymous_callers(cast: Cast, ids: dict[str, int]) -> None:
    client = cast.client("anonymous")
    for method, path in API:
        response = getattr(client, method)(path.format(**ids), {}, content_type="application/json")
        assert response.status_code == 401, (method, path)


def test_the_one_click_page_is_open_without_a_session(cast: Cast, ids: dict[str, int]) -> None:
    link = links_in(sent_to(cast.b.email)[0])["accept"]
    assert cast.client("anonymous").get(link).status_code == 200


def test_a_member_without_a_directory_entry_cannot_post(cast: Cast) -> None:
    client = cast.client("staff")
    assert client.get("/entraide/").status_code == 200
    assert client.get("/entraide/demandes/nouvelle/").status_code == 404
    assert client.get("/entraide/mes-echanges/").status_code == 404
