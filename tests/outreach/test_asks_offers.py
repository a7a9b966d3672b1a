"""Asks ("ce que je cherche") and offers ("je peux aider"): posting, the feed, profiles,
matching with its reasons, the help ledger's counts, and who may see any of it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.html import escape

from filon.audit.models import AuditEntry
from filon.directory.models import Person, Skill
from filon.orgs.models import Organisation
from filon.outreach import actions
from filon.outreach.models import Ask, AskStatus, HelpEntry, HelpKind, Offer
from tests.outreach.conftest import Cast

ASK = {
    "kind": "job",
    "title": "Un poste de R&D en télédétection satellitaire",
    "text": "Docteure en traitement d'images Sentinel-2, je cherche une équipe R&D.",
    "sectors": ["C"],
    "organisations": "",
    "skills": "Télédétection, Python",
}


def post_ask(cast: Cast, role: str = "a", **fields: Any) -> Ask:
    response = cast.client(role).post("/entraide/demandes/nouvelle/", {**ASK, **fields})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Ask.objects.latest("pk")


def post_offer(cast: Cast, role: str = "b", **fields: Any) -> Offer:
    data = {
        "kind": "industry",
        "title": "Répondre à vos questions sur l'industrie spatiale",
        "text": "Quarante ans dans le spatial : télédétection, satellites, achats publics.",
        "capacity_per_month": 3,
        "sectors": [],
        "organisations": "",
        "skills": "",
        **fields,
    }
    response = cast.client(role).post("/entraide/offres/nouvelle/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Offer.objects.latest("pk")


def profile(cast: Cast, viewer: str, owner: str) -> str:
    response = cast.client(viewer).get(f"/annuaire/{cast.person(owner).pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_posts_an_ask_with_its_tags(cast: Cast) -> None:
    org = Organisation.objects.create(name="Agence spatiale", kind="agency")
    ask = post_ask(cast, organisations="agence SPATIALE")
    assert ask.person == cast.person("a") and ask.kind == "job"
    assert [s.code for s in ask.sectors.all()] == ["C"]
    assert list(ask.organisations.all()) == [org]
    assert sorted(s.name for s in ask.skills.all()) == ["Python", "Télédétection"]
    assert AuditEntry.objects.filter(action="outreach.ask.post", actor=cast.a).count() == 1


def test_an_organisation_not_yet_in_the_directory_is_kept_as_written(cast: Cast) -> None:
    org = Organisation.objects.create(
        name="Électricité de France", short_name="EDF", kind="company"
    )
    response = cast.client("a").post(
        "/entraide/demandes/nouvelle/", {**ASK, "organisations": "edf, RTE, Enedis"}, follow=True
    )
    assert response.status_code == 200
    ask = Ask.objects.get()
    assert list(ask.organisations.all()) == [org]
    assert ask.other_organisations == ["RTE", "Enedis"]
    html = response.content.decode()
    # The author is told which names were recognised and which are not in the directory yet.
    assert "Reconnues dans l&#x27;annuaire : Électricité de France" in html
    assert "Pas encore dans l&#x27;annuaire : RTE, Enedis" in html
    assert "RTE" in html.split('class="chips small"')[1].split("</ul>")[0]
    form = cast.client("a").get(f"/entraide/demandes/{ask.pk}/modifier/").content.decode()
    assert "Électricité de France, RTE, Enedis" in form


def test_asks_and_offers_appear_in_the_feed_and_on_profiles(cast: Cast) -> None:
    ask = post_ask(cast)
    offer = post_offer(cast)
    feed = cast.client("x").get("/entraide/").content.decode()
    assert escape(ask.title) in feed
    offers = cast.client("x").get("/entraide/?voir=offres").content.decode()
    assert escape(offer.title) in offers
    assert escape(ask.title) in profile(cast, "x", "a")
    assert 'id="entraide"' in profile(cast, "x", "a")
    assert escape(offer.title) in profile(cast, "x", "b")


def test_the_profile_shows_no_section_when_there_is_nothing(cast: Cast) -> None:
    html = profile(cast, "x", "a")
    assert 'id="entraide"' not in html
    # …but the ways to get in touch are there, for another member.
    assert f"/entraide/ecrire/{cast.person('a').pk}/" in html
    assert "/entraide/ecrire/" not in profile(cast, "a", "a")


def test_it_hides_asks_from_outsider(cast: Cast) -> None:
    ask = post_ask(cast)
    client = cast.client("anonymous")
    for url in ("/entraide/", f"/entraide/demandes/{ask.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert client.get("/api/asks").status_code == 401
    assert client.get(f"/api/asks/{ask.pk}").status_code == 401


def test_it_hides_the_asks_of_someone_out_of_the_directory(cast: Cast) -> None:
    ask = post_ask(cast)
    Person.objects.filter(pk=cast.person("a").pk).update(directory_opt_out=True)
    assert escape(ask.title) not in cast.client("x").get("/entraide/").content.decode()
    assert cast.client("x").get(f"/entraide/demandes/{ask.pk}/").status_code == 404
    assert cast.client("x").get(f"/api/asks/{ask.pk}").status_code == 404
    assert cast.client("a").get(f"/entraide/demandes/{ask.pk}/").status_code == 200


def test_closed_and_past_asks_leave_the_feed(cast: Cast) -> None:
    done = post_ask(cast, title="Trouvé depuis")
    old = post_ask(cast, title="Date passée")
    cast.client("a").post(f"/entraide/demandes/{done.pk}/etat/", {"status": "fulfilled"})
    Ask.objects.filter(pk=old.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    assert Ask.objects.get(pk=done.pk).status == AskStatus.FULFILLED
    feed = cast.client("x").get("/entraide/").content.decode()
    assert "Trouvé depuis" not in feed and "Date passée" not in feed
    assert cast.client("x").get(f"/entraide/demandes/{done.pk}/").status_code == 404
    assert cast.client("a").get(f"/entraide/demandes/{done.pk}/").status_code == 200


def test_only_the_author_edits_an_ask(cast: Cast) -> None:
    ask = post_ask(cast)
    assert cast.client("x").get(f"/entraide/demandes/{ask.pk}/modifier/").status_code == 404
    assert (
        cast.client("x")
        .post(f"/entraide/demandes/{ask.pk}/etat/", {"status": "closed"})
        .status_code
        == 404
    )
    assert Ask.objects.get(pk=ask.pk).status == AskStatus.OPEN


def test_matching_proposes_offers_to_an_ask_with_reasons(cast: Cast) -> None:
    post_offer(cast)
    post_offer(cast, role="x", title="Dégustation de vins", text="Œnologie en Bourgogne.")
    ask = post_ask(cast)
    html = cast.client("a").get(f"/entraide/demandes/{ask.pk}/").content.decode()
    matches = html.split('id="matches"')[1].split('id="people"')[0]
    assert "industrie spatiale" in matches
    assert "Dégustation" not in matches
    assert "mots en commun : télédétection" in matches
    assert "propose ce type d&#x27;aide" in matches
    assert "même école : " in matches  # Anne (P19) and Bernard (P58) share their school


def test_matching_finds_the_members_best_placed_to_help(cast: Cast, make_person: Any) -> None:
    expert = make_person(
        "Estelle", "Expert", school="N", track="ingenieur_civil", year=2001, thesis=None
    )
    expert.skills.add(Skill.objects.create(name="Télédétection"))
    ask = post_ask(cast)
    html = cast.client("a").get(f"/entraide/demandes/{ask.pk}/").content.decode()
    people = html.split('id="people"')[1]
    assert "Estelle Expert" in people
    assert "compétence : Télédétection" in people
    assert f"/entraide/ecrire/{expert.pk}/?demande={ask.pk}" in people
    # Members see the ask; only its author sees the matches.
    assert (
        'id="people"' not in cast.client("x").get(f"/entraide/demandes/{ask.pk}/").content.decode()
    )


def test_the_ask_page_explains_a_match_by_organisation(cast: Cast, make_person: Any) -> None:
    """An ask naming an organisation where a member works: the page answers, with the name."""
    expert = make_person("Estelle", "Expert", thesis=None)
    org = expert.positions.get().organisation
    org.name = "EDF"
    org.save()
    ask = post_ask(cast, organisations="EDF")
    response = cast.client("a").get(f"/entraide/demandes/{ask.pk}/")
    assert response.status_code == 200
    people = response.content.decode().split('id="people"')[1]
    assert "Estelle Expert" in people and "organisation : EDF" in people


def test_matching_respects_what_a_member_hides(cast: Cast, make_person: Any) -> None:
    expert = make_person("Estelle", "Expert", thesis=None, field_visibility={"skills": "private"})
    expert.skills.add(Skill.objects.create(name="Télédétection"))
    ask = post_ask(cast)
    html = cast.client("a").get(f"/entraide/demandes/{ask.pk}/").content.decode()
    assert "Estelle Expert" not in html


def test_the_feed_proposes_asks_a_member_could_help_with(cast: Cast) -> None:
    post_offer(cast)
    post_ask(cast)
    html = cast.client("b").get("/entraide/").content.decode()
    assert "Vous pourriez aider" in html
    assert "Pourquoi :" in html


def test_help_counts_show_on_a_profile_only_if_the_member_agrees(cast: Cast) -> None:
    HelpEntry.objects.create(
        helper=cast.person("b"), helped=cast.person("a"), kind=HelpKind.INTRODUCTION
    )
    assert "mise en relation faite" not in profile(cast, "x", "b")
    assert "mise en relation faite" in profile(cast, "b", "b")  # the member sees their own
    response = cast.client("b").post("/entraide/mon-bilan/", {"show_counts": "on"})
    assert response.status_code == 302
    assert "1 mise en relation faite" in profile(cast, "x", "b")
    assert AuditEntry.objects.filter(action="outreach.ledger.show_counts").exists()


def test_the_api_lists_and_creates_asks_and_offers(cast: Cast) -> None:
    response = cast.client("a").post(
        "/api/asks",
        {
            "kind": "funding",
            "title": "Financer une thèse CIFRE",
            "sectors": ["C"],
            "skills": ["Python"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    ask_id = response.json()["id"]
    assert response.json()["tags"] == {"sectors": ["C"], "organisations": [], "skills": ["Python"]}
    listed = cast.client("x").get("/api/asks").json()
    assert [a["id"] for a in listed] == [ask_id]
    assert cast.client("x").get(f"/api/asks/{ask_id}/matches").status_code == 404
    assert cast.client("a").get(f"/api/asks/{ask_id}/matches").status_code == 200
    bad = cast.client("a").post(
        "/api/asks", {"kind": "nope", "title": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422
    offer = cast.client("b").post(
        "/api/offers",
        {"kind": "cifre", "title": "Accueillir une thèse CIFRE", "capacity_per_month": 1},
        content_type="application/json",
    )
    assert offer.status_code == 201
    assert cast.client("x").get("/api/offers").json()[0]["title"] == "Accueillir une thèse CIFRE"
    assert (
        cast.client("staff")
        .post("/api/offers", {"kind": "cifre", "title": "x"}, content_type="application/json")
        .status_code
        == 403
    )


def test_an_offer_can_be_paused(cast: Cast) -> None:
    offer = post_offer(cast)
    cast.client("b").post(f"/entraide/offres/{offer.pk}/etat/", {"active": "0"})
    assert not Offer.objects.get(pk=offer.pk).is_active
    assert (
        escape(offer.title) not in cast.client("x").get("/entraide/?voir=offres").content.decode()
    )
    actions.update_offer(cast.b, Offer.objects.get(pk=offer.pk), is_active=True)
    assert escape(offer.title) in cast.client("x").get("/entraide/?voir=offres").content.decode()
