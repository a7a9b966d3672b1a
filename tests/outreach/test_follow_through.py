"""After being put in touch: reminders to log the meeting and to thank, the thanks themselves,
the help ledger, and the `filon outreach` commands that run the reminders and expiries."""

from __future__ import annotations

import json
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.utils import timezone
from typer.testing import CliRunner

from filon.cli import app
from filon.outreach import actions
from filon.outreach.models import ContactRequest, HelpEntry, Introduction, IntroStatus
from tests.outreach.conftest import Cast, sent_to


def connected_intro(cast: Cast) -> Introduction:
    intro = actions.request_introduction(
        cast.a, connector=cast.person("b"), target=cast.person("c"), reason="Pour apprendre."
    )
    actions.answer_introduction(intro, "accept", user=cast.b)
    return actions.answer_introduction(intro, "accept", user=cast.c)


def accepted_request(cast: Cast) -> ContactRequest:
    request = actions.send_contact_request(cast.a, cast.person("b"), message="Bonjour")
    return actions.answer_contact_request(request, "accept", user=cast.b)


def test_the_requester_is_reminded_to_log_the_meeting_and_thank(cast: Cast) -> None:
    intro = connected_intro(cast)
    assert intro.status == IntroStatus.CONNECTED
    mail.outbox.clear()
    assert actions.send_due_reminders()["follow_ups"] == 0
    due = timezone.now() + timedelta(days=settings.OUTREACH_REMINDER_DAYS, minutes=1)
    assert actions.send_due_reminders(due)["follow_ups"] == 1
    assert [m.to for m in mail.outbox] == [[cast.a.email]]
    assert "Chloé Chevalier" in mail.outbox[0].subject
    assert "remercier Bernard Berthier" in mail.outbox[0].body
    # Not twice for the same period; at most MAX_REMINDERS in all.
    assert actions.send_due_reminders(due)["follow_ups"] == 0
    much_later = due + timedelta(days=10 * settings.OUTREACH_REMINDER_DAYS)
    assert actions.send_due_reminders(much_later)["follow_ups"] == 1
    assert actions.send_due_reminders(much_later + timedelta(days=30))["follow_ups"] == 0


def test_logging_the_meeting_and_thanking_stop_the_reminders(cast: Cast) -> None:
    intro = connected_intro(cast)
    mail.outbox.clear()
    client = cast.client("a")
    url = f"/entraide/presentations/{intro.pk}/suivi/"
    today = timezone.localdate().isoformat()
    assert (
        client.post(url, {"what": "meeting", "met_on": today, "note": "Très utile"}).status_code
        == 302
    )
    assert client.post(url, {"what": "thanks", "message": "Merci infiniment !"}).status_code == 302
    intro.refresh_from_db()
    assert intro.met_on is not None and intro.thanked_at is not None
    # Both the connector and the target are thanked; the ledger says so.
    assert {tuple(m.to) for m in mail.outbox} == {(cast.b.email,), (cast.c.email,)}
    assert all("Merci infiniment !" in m.body for m in mail.outbox)
    assert HelpEntry.objects.filter(thanked_at__isnull=False).count() == 2
    later = timezone.now() + timedelta(days=60)
    assert actions.send_due_reminders(later)["follow_ups"] == 0
    # Thanking twice is refused; nobody else may log or thank.
    assert client.post(url, {"what": "thanks", "message": "Encore"}).status_code == 302
    assert len(mail.outbox) == 2
    assert cast.client("b").post(url, {"what": "thanks", "message": "x"}).status_code == 404


def test_a_meeting_cannot_be_in_the_future(cast: Cast) -> None:
    request = accepted_request(cast)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    cast.client("a").post(
        f"/entraide/contacts/{request.pk}/suivi/", {"what": "meeting", "met_on": tomorrow}
    )
    request.refresh_from_db()
    assert request.met_on is None


def test_the_ledger_lists_help_given_and_received(cast: Cast) -> None:
    connected_intro(cast)
    accepted_request(cast)
    html = cast.client("b").get("/entraide/mon-bilan/").content.decode()
    assert "Mise en relation faite" in html and "Demande acceptée" in html
    assert "Anne Aubert" in html
    html = cast.client("a").get("/entraide/mon-bilan/").content.decode()
    assert "Bernard Berthier" in html and "Chloé Chevalier" in html


def test_home_page_prompts_the_follow_up(cast: Cast) -> None:
    connected_intro(cast)
    html = cast.client("a").get("/entraide/accueil/", HTTP_HX_REQUEST="true").content.decode()
    assert "Avez-vous échangé avec Chloé Chevalier" in html
    html = cast.client("x").get("/entraide/accueil/", HTTP_HX_REQUEST="true").content.decode()
    assert "Avez-vous échangé" not in html


def test_home_page_counts_what_waits_for_an_answer(cast: Cast) -> None:
    actions.send_contact_request(cast.a, cast.person("b"), message="Bonjour")
    assert (
        "1 demande attend votre réponse"
        in cast.client("b").get("/entraide/accueil/", HTTP_HX_REQUEST="true").content.decode()
    )


def test_cli_expire_and_remind(cast: Cast) -> None:
    request = actions.send_contact_request(cast.a, cast.person("b"), message="Bonjour")
    ContactRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    accepted = accepted_request_from(cast, "x")
    ContactRequest.objects.filter(pk=accepted.pk).update(
        answered_at=timezone.now() - timedelta(days=30)
    )
    cli = CliRunner()
    result = cli.invoke(app, ["outreach", "expire", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"contact_requests": 1, "introductions": 0}
    result = cli.invoke(app, ["outreach", "remind", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"snoozed": 0, "follow_ups": 1}
    assert [m.subject for m in sent_to(cast.a.email)] == [
        "Votre message à Bernard Berthier a expiré"
    ]
    assert "Avez-vous pu échanger" in sent_to(cast.x.email)[-1].subject
    result = cli.invoke(app, ["outreach", "remind"])
    assert result.exit_code == 0
    assert "Rappels envoyés : 0" in result.stderr


def accepted_request_from(cast: Cast, sender: str) -> ContactRequest:
    user = cast.user(sender)
    request = actions.send_contact_request(user, cast.person("b"), message="Bonjour")
    return actions.answer_contact_request(request, "accept", user=cast.b)


def test_the_home_page_loads_the_panel_and_links_to_it_without_javascript(cast: Cast) -> None:
    html = cast.client("a").get("/").content.decode()
    assert 'hx-get="/entraide/accueil/"' in html and 'hx-trigger="load"' in html
    assert '<noscript><section class="card"><p><a href="/entraide/accueil/">' in html
    page = cast.client("a").get("/entraide/accueil/").content.decode()
    assert "<html" in page and "Le fil d'entraide" in page
    fragment = cast.client("a").get("/entraide/accueil/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
