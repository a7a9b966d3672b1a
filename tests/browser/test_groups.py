"""A docteure joins a group and sees its event and announcement; an engineer posts a mission;
she finds it matched to her scenario with the reason, says she is interested, and he is told."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.test_money import _log_in

pytestmark = pytest.mark.browser

BERNARD = ("bernard.vasseur@example.org", "filon-bernard")
MISSION = "Cartographie satellite des parcelles sinistrées"


def _log_in_as(page: Any, email: str, password: str) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_a_group_an_opportunity_and_an_answer(
    page: Any, browser: Any, live_server: Any, screenshots: Path
) -> None:
    _log_in(page)
    page.goto("/groupes/")
    page.get_by_role("link", name="Mines Espace", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mines Espace")
    page.get_by_role("button", name="Rejoindre le groupe").click()
    expect(page.get_by_role("button", name="Quitter le groupe")).to_be_visible()
    expect(page.get_by_text("Afterwork Mines Espace", exact=False).first).to_be_visible()
    expect(page.get_by_text("Appel à témoignages", exact=False).first).to_be_visible()
    page.screenshot(path=str(screenshots / "group.png"), full_page=True)

    # Bernard, in a browser of his own, posts a mission at AXA.
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    bernard = context.new_page()
    try:
        _log_in_as(bernard, *BERNARD)
        bernard.goto("/opportunites/nouvelle/")
        bernard.locator("[name=kind]").select_option("mission")
        bernard.locator("[name=title]").fill(MISSION)
        bernard.locator("[name=organisation_name]").fill("AXA")
        bernard.locator("[name=location]").fill("Paris")
        closes = (date.today() + timedelta(days=30)).isoformat()
        bernard.locator("[name=closes_on]").fill(closes)
        bernard.locator("[name=description]").fill(
            "Après la grêle, repérer les parcelles sinistrées avec les séries Sentinel-2."
        )
        bernard.locator("[name=can_introduce]").check()
        bernard.get_by_role("button", name="Publier").click()
        expect(bernard.get_by_role("heading", level=1)).to_have_text(MISSION)
    finally:
        context.close()

    # Claire's scenario for insurers lists it, with the reason in words.
    page.goto("/projet/")
    page.get_by_role("link", name="Cartes de risque climatique pour les assureurs").first.click()
    section = page.locator("#opportunities")
    expect(section.get_by_role("link", name=MISSION)).to_be_visible()
    expect(section).to_contain_text("un client visé par votre scénario")
    page.screenshot(path=str(screenshots / "scenario-opportunities.png"), full_page=True)

    mail.outbox.clear()
    section.get_by_role("link", name=MISSION).click()
    page.get_by_role("button", name="Je suis intéressé(e)").click()
    expect(page.get_by_text("Votre intérêt est transmis")).to_be_visible()
    assert any(BERNARD[0] in m.to for m in mail.outbox), [m.to for m in mail.outbox]
