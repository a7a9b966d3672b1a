"""The site's foundation seen from a browser: login, home page, language switch, logout."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# The demo docteure (see filon.core.demo.generator.PERSONAS).
CLAIRE_EMAIL = "claire.dumas@example.org"
CLAIRE_PASSWORD = "filon-claire"

LOGIN_PATH = re.compile(r"/connexion/(\?.*)?$")


def _log_in(page: Any, email: str, password: str) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def _home_url(live_server: Any) -> str:
    return f"{live_server.url}/"


def test_anonymous_visitor_lands_on_the_login_page(page, screenshots: Path):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    # Nobody is signed in: no logout button, no main navigation.
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)
    page.screenshot(path=str(screenshots / "login.png"), full_page=True)


def test_docteure_logs_in_and_sees_her_home_page(page, live_server, screenshots: Path):
    _log_in(page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    expect(page).to_have_url(_home_url(live_server))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour, Claire Dumas")
    expect(page.locator(".topbar .who")).to_have_text("Claire Dumas")
    expect(page.locator(".promos .promo")).to_contain_text(["P19"])
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    page.screenshot(path=str(screenshots / "home.png"), full_page=True)


def test_docteure_switches_to_english_and_back(page, live_server, screenshots: Path):
    _log_in(page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    expect(page).to_have_url(_home_url(live_server))
    html = page.locator("html")
    logout = page.locator(".topbar form[action='/deconnexion/'] button")

    page.locator(".lang-switch").get_by_role("button", name="EN", exact=True).click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(_home_url(live_server))
    expect(page.locator(".lang-switch button[value='en']")).to_have_attribute(
        "aria-current", "true"
    )
    logout_in_english = logout.inner_text().strip()
    page.screenshot(path=str(screenshots / "home-en.png"), full_page=True)

    page.locator(".lang-switch").get_by_role("button", name="FR", exact=True).click()
    expect(html).to_have_attribute("lang", "fr")
    expect(logout).to_have_text("Se déconnecter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour, Claire Dumas")

    # Checked last so that the way back to French is tested even without the English catalogue.
    assert logout_in_english == "Sign out", "the English translation (filon/locale/en) is missing"


def test_docteure_logs_out(page, live_server):
    _log_in(page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    expect(page).to_have_url(_home_url(live_server))
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(LOGIN_PATH)
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    # The session is gone: the home page sends back to the login page.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next=/$"))


def test_wrong_password_shows_the_french_error(page):
    _log_in(page, CLAIRE_EMAIL, "not-her-password")
    expect(page).to_have_url(LOGIN_PATH)
    expect(page.get_by_role("alert")).to_have_text("Adresse e-mail ou mot de passe incorrect.")
    # The e-mail stays filled in, the password does not.
    expect(page.get_by_label("Adresse e-mail")).to_have_value(CLAIRE_EMAIL)
    expect(page.get_by_label("Mot de passe")).to_have_value("")
