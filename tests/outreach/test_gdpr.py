"""GDPR: a member's asks, offers and messages are in their export, and erasure removes them."""

from __future__ import annotations

from filon.directory.actions import erase_person, export_personal_data
from filon.outreach import actions
from filon.outreach.models import Ask, ContactRequest, Introduction, IntroStatus, Offer
from tests.outreach.conftest import Cast


def test_the_export_holds_asks_offers_and_messages(cast: Cast) -> None:
    actions.post_ask(cast.a, kind="job", title="Un poste en R&D")
    actions.send_contact_request(cast.a, cast.person("b"), message="Bonjour Bernard")
    data = export_personal_data(cast.a)["outreach"]
    assert [a["title"] for a in data["asks"]] == ["Un poste en R&D"]
    assert data["contact_requests"][0]["message"] == "Bonjour Bernard"
    assert "email" not in str(data["contact_requests"])


def test_erasure_removes_what_the_member_wrote_and_closes_what_waits(cast: Cast) -> None:
    actions.post_ask(cast.a, kind="job", title="Un poste en R&D")
    actions.post_offer(cast.a, kind="mentoring", title="Parrainer")
    request = actions.send_contact_request(cast.a, cast.person("b"), message="Bonjour Bernard")
    intro = actions.request_introduction(
        cast.a, connector=cast.person("b"), target=cast.person("c"), reason="Raison personnelle"
    )
    erase_person(cast.a, cast.person("a"))
    assert not Ask.objects.exists() and not Offer.objects.exists()
    request = ContactRequest.objects.get(pk=request.pk)
    assert request.message == "[effacé]" and request.status == "withdrawn"
    intro = Introduction.objects.get(pk=intro.pk)
    assert intro.reason == "[effacé]" and intro.status == IntroStatus.WITHDRAWN
