"""Claire's profile seen by Bernard, before and after he asks for her contact details."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from filon.directory.models import ContactReveal, Person

pytestmark = pytest.mark.browser

BERNARD_EMAIL = "bernard.vasseur@example.org"
BERNARD_PASSWORD = "filon-bernard"
CLAIRE_PHONE = "06 12 34 56 78"
CLAIRE_EMAIL = "claire.dumas@example.org"


def _log_in(page: Any, email: str, password: str) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def _claire() -> Person:
    return Person.objects.get(first_name="Claire", last_name="Dumas")


def test_bernard_reveals_claires_contact_details(page: Any, screenshots: Path) -> None:
    claire = _claire()
    _log_in(page, BERNARD_EMAIL, BERNARD_PASSWORD)
    page.goto(f"/annuaire/{claire.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Claire Dumas")
    expect(page.locator(".promos .promo")).to_contain_text(["P19"])
    expect(page.get_by_role("heading", name="Thèse")).to_be_visible()
    expect(page.get_by_text("CIFRE (entreprise)")).to_be_visible()
    # Nothing of her contact details is in the page before the click.
    assert CLAIRE_PHONE not in page.content()
    assert CLAIRE_EMAIL not in page.content()
    page.screenshot(path=str(screenshots / "profile-claire-by-bernard.png"), full_page=True)

    url = page.url
    page.get_by_role("button", name="Afficher les coordonnées").click()
    contacts = page.locator("#contacts")
    # Bernard pays his dues: he sees her mobile (members with dues) and her e-mail (members).
    expect(contacts.get_by_role("link", name=CLAIRE_PHONE)).to_be_visible()
    expect(contacts.get_by_role("link", name=CLAIRE_EMAIL)).to_have_attribute(
        "href", f"mailto:{CLAIRE_EMAIL}"
    )
    assert page.url == url, "htmx swaps the section in place"
    expect(page.get_by_role("heading", level=1)).to_have_text("Claire Dumas")
    page.screenshot(
        path=str(screenshots / "profile-claire-by-bernard-revealed.png"), full_page=True
    )
    assert ContactReveal.objects.filter(person=claire, viewer__email=BERNARD_EMAIL).count() == 1


def test_without_javascript_the_button_still_reveals(
    browser: Any, live_server: Any, demo_network: None, screenshots: Path
) -> None:
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False
    )
    try:
        page = context.new_page()
        _log_in(page, BERNARD_EMAIL, BERNARD_PASSWORD)
        claire = _claire()
        page.goto(f"/annuaire/{claire.pk}/")
        page.get_by_role("button", name="Afficher les coordonnées").click()
        expect(page).to_have_url(re.compile(rf"/annuaire/{claire.pk}/coordonnees/$"))
        expect(page.get_by_role("link", name=CLAIRE_PHONE)).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text("Claire Dumas")
    finally:
        context.close()


def test_claire_sees_that_bernard_revealed_her_details(
    browser: Any, live_server: Any, demo_network: None, screenshots: Path
) -> None:
    claire = _claire()
    contexts = [browser.new_context(base_url=live_server.url, locale="fr-FR") for _ in range(2)]
    try:
        bernard_page, claire_page = (c.new_page() for c in contexts)
        _log_in(bernard_page, BERNARD_EMAIL, BERNARD_PASSWORD)
        bernard_page.goto(f"/annuaire/{claire.pk}/")
        bernard_page.get_by_role("button", name="Afficher les coordonnées").click()
        expect(bernard_page.get_by_role("link", name=CLAIRE_PHONE)).to_be_visible()

        _log_in(claire_page, CLAIRE_EMAIL, "filon-claire")
        claire_page.get_by_role("link", name="Mon profil").first.click()
        expect(claire_page.get_by_role("heading", level=1)).to_have_text("Claire Dumas")
        claire_page.get_by_role("link", name="Qui a consulté mes coordonnées").click()
        expect(claire_page.get_by_role("cell", name="Bernard Vasseur")).to_be_visible()
        claire_page.screenshot(path=str(screenshots / "profile-viewers.png"), full_page=True)
    finally:
        for c in contexts:
            c.close()


def test_claire_edits_her_profile_and_a_bad_phone_is_flagged(page: Any, screenshots: Path) -> None:
    _log_in(page, CLAIRE_EMAIL, "filon-claire")
    page.get_by_role("link", name="Mon profil").first.click()
    page.get_by_role("link", name="Modifier mon profil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier mon profil")
    page.get_by_label("En une ligne").fill("Études en traitement d'images satellitaires")
    rows = page.locator("table.contact-forms tbody tr")
    blank = rows.last
    blank.locator("select[name$='-kind']").select_option("phone")
    blank.locator("input[name$='-value']").fill("12")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".field-error").first).to_contain_text("Numéro de téléphone invalide")
    page.screenshot(path=str(screenshots / "profile-edit-error.png"), full_page=True)

    page.locator("table.contact-forms tbody tr").last.locator("input[name$='-value']").fill(
        "04 93 00 00 00"
    )
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Claire Dumas")
    expect(page.get_by_text("Votre profil est enregistré.")).to_be_visible()
    expect(page.get_by_text("Études en traitement d'images satellitaires")).to_be_visible()
    assert _claire().contact_points.filter(value="+33493000000").exists()
    page.screenshot(path=str(screenshots / "profile-own.png"), full_page=True)


def test_past_the_daily_limit_the_button_shows_the_message(
    page: Any, screenshots: Path, settings: Any
) -> None:
    claire = _claire()
    _log_in(page, BERNARD_EMAIL, BERNARD_PASSWORD)
    page.goto(f"/annuaire/{claire.pk}/")
    # Used up meanwhile (in another tab, say): the answer is a 429, swapped in all the same.
    settings.REVEALS_PER_DAY = 0
    page.get_by_role("button", name="Afficher les coordonnées").click()
    alert = page.locator("#contacts").get_by_role("alert")
    expect(alert).to_contain_text(re.compile(r"limite de 0 consultations? de coordonnées par jour"))
    assert CLAIRE_PHONE not in page.content()
    page.screenshot(path=str(screenshots / "profile-reveal-limit.png"), full_page=True)
    assert not ContactReveal.objects.filter(person=claire).exists()
