"""Claire asks « Qui paie pour mon sujet ? », sees space and Earth-observation projects, creates
a scenario from an organisation and finds it prefilled on her project page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_money import _log_in

pytestmark = pytest.mark.browser


def test_claire_finds_who_pays_for_her_subject_and_makes_a_scenario(
    page: Any, screenshots: Path
) -> None:
    _log_in(page)
    page.locator(".main-nav").get_by_role("link", name="Financements").click()
    page.get_by_role("link", name="Qui paie pour mon sujet ?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Qui paie pour mon sujet ?")

    projects = page.get_by_test_id("topic-project")
    expect(projects.first).to_be_visible()
    assert projects.count() >= 10
    text = " ".join(projects.all_inner_texts())
    # Her own subject first (Sentinel-2 change detection, land cover), and the shipped H2020
    # space projects among the first results, with the words they share with her thesis.
    assert "SENTICHANGE" in projects.first.inner_text()
    assert "LEIT-SPACE" in text
    assert re.search(r"mots en commun : [^\n]*(Earth Observation|Copernicus)", text), text
    assert "même financeur que votre thèse" in text

    organisations = page.get_by_test_id("topic-organisation")
    acri = organisations.filter(has=page.get_by_role("link", name="ACRI-ST", exact=True))
    expect(acri).to_have_count(1)
    expect(acri.locator("ul.alumni a[href^='/annuaire/']").first).to_be_visible()
    page.screenshot(path=str(screenshots / "money-my-topic.png"), full_page=True)
    page.screenshot(path=str(screenshots / "money-my-topic-top.png"))
    projects.nth(7).scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "money-my-topic-projects.png"))

    acri.get_by_role("button", name="Créer un scénario").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ACRI-ST")
    expect(
        page.get_by_text("Scénario créé à partir de « Qui paie pour mon sujet ? »")
    ).to_be_visible()
    expect(page.get_by_role("link", name="ACRI-ST", exact=True).first).to_be_visible()
    note = page.get_by_test_id("money-note")
    expect(note).to_contain_text("Qui paie pour mon sujet ?")
    expect(note.locator("a[href*='/financements/projets/']").first).to_be_visible()
    expect(page.get_by_text("ACRI-ST achète de l'expertise extérieure")).to_be_visible()
    page.screenshot(path=str(screenshots / "money-topic-scenario.png"))

    # On « Mon projet », among her scenarios.
    page.goto("/projet/")
    expect(page.get_by_role("link", name=re.compile("^ACRI-ST : "))).to_be_visible()
