"""The directory search in a browser: typing updates the results (htmx), facets, no-JS use."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BERNARD_EMAIL = "bernard.vasseur@example.org"
BERNARD_PASSWORD = "filon-bernard"


def _log_in(page: Any, email: str, password: str) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_bernard_finds_claire_by_typing_teledetection(page: Any, screenshots: Path) -> None:
    _log_in(page, BERNARD_EMAIL, BERNARD_PASSWORD)
    page.locator(".main-nav").get_by_role("link", name="Annuaire").click()
    expect(page).to_have_url(re.compile(r"/annuaire/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire")

    page.get_by_role("searchbox").press_sequentially("télédétection", delay=40)
    # htmx swaps the results in place and records the query in the address bar.
    expect(page).to_have_url(re.compile(r"/annuaire/\?q=t%C3%A9l%C3%A9d%C3%A9tection"))
    claire = page.locator(".result").filter(has_text="Claire Dumas")
    expect(claire).to_be_visible()
    expect(claire.locator(".promo")).to_have_text("P19")
    expect(claire.locator("mark").first).to_have_text(re.compile("télédétection", re.I))
    expect(page.locator(".search-count")).to_contain_text("résultat")
    expect(page.locator(".facet h2").first).to_have_text("École")
    page.screenshot(path=str(screenshots / "search-teledetection.png"), full_page=True)

    # A facet is a link: it keeps the query and narrows the results.
    page.locator(".facet a", has_text="Docteur").first.click()
    expect(page).to_have_url(re.compile(r"track=docteur"))
    expect(page.locator(".facet li.selected")).to_contain_text("Docteur")
    expect(page.get_by_role("searchbox")).to_have_value("télédétection")
    expect(page.locator(".result").filter(has_text="Claire Dumas")).to_be_visible()

    page.get_by_role("searchbox").fill("")
    page.get_by_role("searchbox").press_sequentially("zzzzqx", delay=20)
    expect(page.locator(".empty")).to_have_text("Aucun résultat pour « zzzzqx ».")
    page.screenshot(path=str(screenshots / "search-empty.png"), full_page=True)


def test_the_search_works_without_javascript(
    browser: Any, live_server: Any, demo_network: None, screenshots: Path
) -> None:
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        _log_in(page, BERNARD_EMAIL, BERNARD_PASSWORD)
        page.goto("/annuaire/")
        page.get_by_role("searchbox").fill("Dumaz")  # one typo in the name
        page.get_by_role("button", name="Rechercher").click()
        expect(page).to_have_url(re.compile(r"\?q=Dumaz"))
        expect(page.locator(".result").filter(has_text="Claire Dumas")).to_be_visible()
        page.get_by_label("Première année de promotion").fill("2015")
        page.get_by_label("Dernière année de promotion").fill("2020")
        page.get_by_role("button", name="Rechercher").click()
        expect(page).to_have_url(re.compile(r"vintage_from=2015&vintage_to=2020"))
        expect(page.locator(".result").filter(has_text="Claire Dumas")).to_be_visible()
        page.screenshot(path=str(screenshots / "search-no-js.png"), full_page=True)
    finally:
        context.close()


def test_typing_past_the_rate_limit_shows_the_message(page: Any, screenshots: Path) -> None:
    from django.test import override_settings

    _log_in(page, BERNARD_EMAIL, BERNARD_PASSWORD)
    with override_settings(PEOPLE_PER_MINUTE=1):
        page.goto("/annuaire/")  # the one search allowed this minute
        page.get_by_role("searchbox").press_sequentially("vasseur", delay=20)
        # htmx swaps the 429 answer in too (hx-on::before-swap on the section): the member
        # is told why.
        expect(page.locator(".search-throttled")).to_contain_text(
            "Limite atteinte : 1 consultations de l'annuaire par minute."
        )
        page.screenshot(path=str(screenshots / "search-throttled.png"), full_page=True)
