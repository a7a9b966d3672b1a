"""The opportunities board: posting (a daily cap), search and facets, matching a docteur's
competences and scenarios with reasons in words, « Je suis intéressé(e) » as a contact request
with the offer sheet's link, the poster's answers, reports and the staff's moderation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from filon.accounts.models import Role, User
from filon.audit import throttle
from filon.opportunities import actions, matching
from filon.opportunities.models import Interest, Opportunity
from filon.orgs.models import Organisation
from filon.outreach.models import ContactRequest
from filon.projects.models import Competence, Scenario


@pytest.fixture(autouse=True)
def _send_at_once(monkeypatch: pytest.MonkeyPatch, db: None) -> None:
    monkeypatch.setattr("filon.ops.queue.after_commit", lambda send: send())
    throttle.reset()


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def cast(make_person: Any, make_user: Any) -> dict[str, Any]:
    axa = Organisation.objects.create(name="AXA", name_folded="axa", kind="company")
    engineer = make_user(person=make_person("Eric", "Ingénieur", track="ingenieur_civil"))
    docteur = make_user(person=make_person("Claire", "Docteure"))
    other = make_user(person=make_person("Olga", "Autre"))
    Competence.objects.create(
        person=docteur.person,
        statement="Détection de changements",
        blocks=[1, 2],
        esco_uris=["http://data.europa.eu/esco/skill/S5.5.1"],
    )
    scenario = Scenario.objects.create(
        person=docteur.person,
        title="Cartes de risque climatique pour les assureurs",
        segment="Assureurs agricoles",
        problem="Les expertises après grêle coûtent cher.",
    )
    scenario.buyer_organisations.set([axa])
    return {
        "axa": axa,
        "engineer": engineer,
        "docteur": docteur,
        "other": other,
        "staff": make_user(Role.STAFF),
        "scenario": scenario,
    }


def _post(user: User, **extra: Any) -> Opportunity:
    fields = {
        "kind": "mission",
        "title": "Estimer les dégâts de grêle par satellite",
        "description": "Indices de sinistralité tirés des séries Sentinel-2, après grêle.",
        "organisation_name": "axa",
        "location": "Paris",
        "closes_on": timezone.localdate() + timedelta(days=20),
        "esco_uris": ["http://data.europa.eu/esco/skill/S5.5.1"],
        "blocks": [2],
        "can_introduce": True,
        **extra,
    }
    return actions.post(user, **fields)


def test_an_engineer_posts_a_mission_from_the_page(cast: dict[str, Any]) -> None:
    c = client_for(cast["engineer"])
    r = c.post(
        "/opportunites/nouvelle/",
        {
            "kind": "mission",
            "title": "Mission de télédétection",
            "organisation_name": "AXA",
            "location": "Paris",
            "closes_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "description": "Trois mois.",
            "blocks": ["1", "2"],
            "skills": "http://data.europa.eu/esco/skill/S5.5.1 15261",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    opp = Opportunity.objects.get()
    assert opp.organisation == cast["axa"]  # free text matched to the directory
    assert opp.blocks == [1, 2] and opp.rome_codes == ["15261"]
    assert opp.poster == cast["engineer"].person


def test_posting_has_a_daily_cap(cast: dict[str, Any], settings: Any) -> None:
    settings.OPPORTUNITIES_PER_DAY = 2
    _post(cast["engineer"])
    _post(cast["engineer"])
    with pytest.raises(throttle.LimitReached):
        _post(cast["engineer"])
    assert Opportunity.objects.count() == 2


def test_matches_a_scenario_with_reasons_in_words(cast: dict[str, Any]) -> None:
    opp = _post(cast["engineer"])
    _post(cast["engineer"], title="Comptable", description="Tenir les comptes.", esco_uris=[],
          blocks=[], organisation_name="Ailleurs")  # fmt: skip
    found = matching.for_person(cast["docteur"].person.pk)
    assert [m.opportunity for m in found] == [opp]
    reasons = " | ".join(found[0].reasons)
    assert "chez AXA, un client visé par votre scénario « Cartes de risque climatique" in reasons
    assert "comme votre compétence « Détection de changements »" in reasons
    assert "bloc 2 du doctorat" in reasons
    # On the scenario's page (its htmx part), and the home page.
    c = client_for(cast["docteur"])
    page = c.get(f"/opportunites/scenario/{cast['scenario'].pk}/").content.decode()
    assert "Estimer les dégâts de grêle" in page and "un client visé" in page
    assert "Estimer les dégâts de grêle" in c.get("/").content.decode()
    # Another member's scenario is not theirs to see.
    assert (
        client_for(cast["other"]).get(f"/opportunites/scenario/{cast['scenario'].pk}/").status_code
        == 404
    )


def test_interested_sends_the_poster_a_contact_request_with_the_sheet(
    cast: dict[str, Any],
) -> None:
    opp = _post(cast["engineer"])
    c = client_for(cast["docteur"])
    r = c.post(f"/opportunites/{opp.pk}/interesse/", {"scenario": cast["scenario"].pk})
    assert r.status_code == 302
    interest = Interest.objects.get()
    request = ContactRequest.objects.get()
    assert interest.contact_request == request
    assert request.recipient == cast["engineer"].person
    assert f"/opportunites/reponses/{interest.pk}/fiche/" in request.message
    assert len(mail.outbox) == 1  # the contact request's e-mail, to the poster
    # The poster sees the answer and the offer sheet; nobody else does.
    poster = client_for(cast["engineer"])
    assert "Claire Docteure" in poster.get(f"/opportunites/{opp.pk}/").content.decode()
    sheet = poster.get(f"/opportunites/reponses/{interest.pk}/fiche/")
    assert sheet.status_code == 200 and "Cartes de risque climatique" in sheet.content.decode()
    assert (
        client_for(cast["other"]).get(f"/opportunites/reponses/{interest.pk}/fiche/").status_code
        == 404
    )
    assert (
        "Claire Docteure"
        not in client_for(cast["other"]).get(f"/opportunites/{opp.pk}/").content.decode()
    )
    # Once only.
    with pytest.raises(actions.AlreadyAnswered):
        actions.interested(cast["docteur"], opp)


def test_board_search_facets_and_expiry(cast: dict[str, Any]) -> None:
    _post(cast["engineer"], closes_on=timezone.localdate() + timedelta(days=10))
    _post(cast["engineer"], kind="job", contract="cdi", title="Ingénieur R&D", location="Lyon",
          closes_on=timezone.localdate() + timedelta(days=60))  # fmt: skip
    old = _post(cast["engineer"], title="Passée")
    Opportunity.objects.filter(pk=old.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    c = client_for(cast["other"])
    page = c.get("/opportunites/").content.decode()
    assert "Estimer les dégâts" in page and "Ingénieur R&amp;D" in page and "Passée" not in page
    page = c.get("/opportunites/", {"type": "job"}).content.decode()
    assert "Estimer les dégâts" not in page and "Ingénieur R&amp;D" in page
    page = c.get("/opportunites/", {"bientot": "1"}).content.decode()
    assert "Estimer les dégâts" in page and "Ingénieur R&amp;D" not in page
    page = c.get("/opportunites/", {"q": "lyon ingenieur"}).content.decode()
    assert "Estimer les dégâts" not in page and "Ingénieur R&amp;D" in page
    assert c.get(f"/opportunites/{old.pk}/").status_code == 404  # expired: its poster only
    assert client_for(cast["engineer"]).get(f"/opportunites/{old.pk}/").status_code == 200
    api = c.get("/api/opportunities", {"kind": "mission"}).json()
    assert [o["title"] for o in api["opportunities"]] == [
        "Estimer les dégâts de grêle par satellite"
    ]


def test_report_and_moderation(cast: dict[str, Any]) -> None:
    opp = _post(cast["engineer"])
    c = client_for(cast["other"])
    assert c.post(f"/opportunites/{opp.pk}/signaler/", {"reason": "Publicité"}).status_code == 302
    assert c.get("/opportunites/moderation/").status_code == 403
    assert c.post(f"/opportunites/{opp.pk}/moderer/", {"do": "remove"}).status_code == 403
    staff = client_for(cast["staff"])
    assert "Estimer les dégâts" in staff.get("/opportunites/moderation/").content.decode()
    assert staff.post(f"/opportunites/{opp.pk}/moderer/", {"do": "remove"}).status_code == 302
    assert c.get(f"/opportunites/{opp.pk}/").status_code == 404
    assert "Estimer les dégâts" not in c.get("/opportunites/").content.decode()
