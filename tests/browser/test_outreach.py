"""The docteure posts an ask and asks Bernard for an introduction; Bernard accepts from the
link in his e-mail (no sign-in), so does the person to meet; the docteure sees the new contact.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from filon.directory.models import ContactPoint, Person
from filon.network.models import Tie
from filon.outreach.models import Introduction

pytestmark = pytest.mark.browser

CLAIRE = ("claire.dumas@example.org", "filon-claire")
BERNARD_EMAIL = "bernard.vasseur@example.org"


def _log_in(page: Any, email: str, password: str) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def _link(address: str, answer: str) -> str:
    """The one-click link of the last e-mail sent to ``address``, as a path on the server."""
    message = [m for m in mail.outbox if address in m.to][-1]
    match = re.search(rf"https?://[^/\s]+(/entraide/reponse/\S+/{answer}/)", message.body)
    assert match, message.body
    return match.group(1)


def _someone_bernard_knows() -> tuple[Person, str]:
    """A classmate Bernard declared a tie with, who is in the directory and has an e-mail."""
    bernard = Person.objects.get(first_name="Bernard", last_name="Vasseur")
    for tie in Tie.objects.filter(source_person=bernard).select_related("target_person"):
        target = tie.target_person
        email = ContactPoint.objects.filter(person=target, kind="email").first()
        if not target.directory_opt_out and email is not None and not hasattr(target, "account"):
            return target, email.value
    raise AssertionError("the demo network gives Bernard classmates")


def test_claire_gets_introduced_through_bernard(
    page: Any, browser: Any, live_server: Any, screenshots: Path
) -> None:
    mail.outbox.clear()
    target, target_email = _someone_bernard_knows()
    _log_in(page, *CLAIRE)

    # 1. Claire says what she is looking for.
    page.get_by_role("navigation").get_by_role("link", name="Entraide").click()
    page.get_by_role("link", name="Je cherche…").click()
    page.get_by_label("Je cherche").select_option("information")
    page.get_by_label("En une phrase").fill("Qui achète des études d'imagerie satellitaire ?")
    page.get_by_label("En quelques lignes").fill(
        "Docteure en télédétection, je veux valider une offre d'études : qui achète, "
        "pourquoi, à quel prix ? Un échange avec des ingénieurs de l'industrie m'aiderait."
    )
    page.get_by_label("Compétences").fill("Télédétection, Traitement d'images")
    page.get_by_role("button", name="Publier ma demande").click()
    expect(page.get_by_text("Votre demande est publiée.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Les membres les mieux placés pour vous aider")
    ).to_be_visible()
    page.screenshot(path=str(screenshots / "outreach-1-ask.png"), full_page=True)

    # 2. She asks Bernard to introduce her to one of his classmates.
    page.goto(f"/annuaire/{target.pk}/")
    page.get_by_role("link", name="Se faire présenter").click()
    page.get_by_placeholder("Chercher un intermédiaire par son nom…").fill("Vasseur")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_label(re.compile("Bernard Vasseur")).check()
    page.get_by_label("Pourquoi voulez-vous rencontrer cette personne ?").fill(
        "Vous connaissez bien l'industrie : j'aimerais vous présenter mon projet d'études."
    )
    page.screenshot(path=str(screenshots / "outreach-2-intro-form.png"), full_page=True)
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text("Votre demande est envoyée à Bernard Vasseur.")).to_be_visible()
    intro = Introduction.objects.get()
    assert target_email not in page.content()

    # 3. Bernard accepts from his e-mail, without signing in.
    assert [m.to for m in mail.outbox] == [[BERNARD_EMAIL]]
    for m in mail.outbox:
        assert target_email not in m.body and CLAIRE[0] not in m.body
    bernard_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    try:
        bernard = bernard_context.new_page()
        bernard.goto(_link(BERNARD_EMAIL, "accept"))
        expect(bernard.get_by_role("heading", level=1)).to_contain_text("Claire Dumas")
        assert target_email not in bernard.content() and CLAIRE[0] not in bernard.content()
        bernard.screenshot(path=str(screenshots / "outreach-3-bernard-link.png"), full_page=True)
        bernard.get_by_label(re.compile("Un mot pour")).fill("Claire est brillante, écoutez-la !")
        bernard.get_by_role("button", name="Confirmer : Accepter").click()
        expect(bernard.get_by_role("heading", name="Merci, c'est accepté !")).to_be_visible()
        bernard.screenshot(path=str(screenshots / "outreach-4-bernard-done.png"), full_page=True)
        # Used once: the same link now says so.
        bernard.goto(_link(BERNARD_EMAIL, "accept"))
        expect(bernard.get_by_role("heading", level=1)).to_contain_text("déjà servi")
    finally:
        bernard_context.close()

    # Claire's page says who is being asked now, and still shows no e-mail.
    page.goto(f"/entraide/presentations/{intro.pk}/")
    expect(page.locator(".status")).to_have_text("En attente de la personne à rencontrer")
    assert target_email not in page.content()

    # 4. The person to meet accepts from her e-mail too.
    target_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    try:
        other = target_context.new_page()
        other.goto(_link(target_email, "accept"))
        expect(other.get_by_text("Claire est brillante, écoutez-la !")).to_be_visible()
        assert CLAIRE[0] not in other.content()
        other.get_by_role("button", name="Confirmer : Accepter").click()
        expect(other.get_by_role("heading", name="Merci, c'est accepté !")).to_be_visible()
    finally:
        target_context.close()

    # 5. Claire sees her new contact.
    page.goto(f"/entraide/presentations/{intro.pk}/")
    expect(page.locator(".status")).to_have_text("Mise en relation faite")
    shared = page.locator("#shared-contact")
    expect(shared.get_by_role("link", name=target_email)).to_have_attribute(
        "href", f"mailto:{target_email}"
    )
    page.screenshot(path=str(screenshots / "outreach-5-claire-connected.png"), full_page=True)
    assert Tie.objects.filter(
        source_person__first_name="Claire", target_person=target, kind="introduction"
    ).exists()


def test_the_feed_profiles_and_events_show_what_members_ask_and_offer(
    page: Any, screenshots: Path
) -> None:
    _log_in(page, *CLAIRE)
    expect(page.get_by_role("heading", name="Entraide")).to_be_visible()  # on the home page
    page.screenshot(path=str(screenshots / "outreach-home.png"), full_page=True)
    page.get_by_role("navigation").get_by_role("link", name="Entraide").click()
    expect(page.get_by_role("link", name="Ce que les membres cherchent")).to_be_visible()
    expect(page.locator("#feed .item").first).to_be_visible()
    page.screenshot(path=str(screenshots / "outreach-feed.png"), full_page=True)
    # htmx swaps the list in place; the address follows.
    page.get_by_role("link", name="Ce que les membres proposent").click()
    expect(page).to_have_url(re.compile(r"voir=offres"))
    expect(
        page.get_by_text("Construire votre offre de docteur, scénario par scénario")
    ).to_be_visible()
    bernard = Person.objects.get(first_name="Bernard", last_name="Vasseur")
    page.goto(f"/annuaire/{bernard.pk}/")
    section = page.locator("#entraide")
    expect(section.get_by_role("heading", name="Je peux aider")).to_be_visible()
    expect(page.get_by_role("link", name="Écrire à Bernard")).to_be_visible()
    page.screenshot(path=str(screenshots / "outreach-profile-bernard.png"), full_page=True)
    page.get_by_role("navigation").get_by_role("link", name="Événements").click()
    expect(page.get_by_role("link", name="Afterwork docteurs et ingénieurs")).to_be_visible()
    page.get_by_role("link", name="Afterwork docteurs et ingénieurs").click()
    page.get_by_role("button", name="Je m'inscris").click()
    expect(page.get_by_text("Vous êtes inscrit.").first).to_be_visible()
    page.screenshot(path=str(screenshots / "events-detail.png"), full_page=True)
