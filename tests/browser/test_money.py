"""Claire follows the money: who funded her thesis, who else they fund, whom to meet there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CLAIRE_EMAIL = "claire.dumas@example.org"
CLAIRE_PASSWORD = "filon-claire"
AMOUNT = re.compile(r"\d[\d\u202f ]*,\d\d EUR")


def _log_in(page: Any) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(CLAIRE_EMAIL)
    page.get_by_label("Mot de passe").fill(CLAIRE_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_claire_sees_who_funded_her_thesis_and_the_money_trail(
    page: Any, screenshots: Path
) -> None:
    _log_in(page)
    page.locator(".main-nav").get_by_role("link", name="Financements").click()
    page.get_by_role("link", name="Qui a financé ma thèse ?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Qui a financé ma thèse ?")

    funders = page.get_by_test_id("funder")
    expect(funders).to_have_count(2)
    names = [funders.nth(i).get_by_role("heading", level=2).inner_text() for i in range(2)]
    assert sorted(names) == ["Centre national d'études spatiales", "Thales Alenia Space"]

    cnes = funders.filter(has_text="Centre national d'études spatiales")
    funded = cnes.get_by_test_id("funded")
    expect(funded).to_be_visible()
    rows = funded.locator("tbody tr")
    assert rows.count() >= 5
    first = rows.first.inner_text()
    assert AMOUNT.search(first), first
    amounts = [
        int(re.sub(r"\D", "", AMOUNT.search(rows.nth(i).inner_text()).group(0)))  # type: ignore[union-attr]
        for i in range(rows.count())
    ]
    assert amounts == sorted(amounts, reverse=True)  # ranked by amount
    for org in ("ACRI-ST", "Thales Alenia Space", "Airbus Defence and Space"):
        expect(funded.get_by_role("link", name=org, exact=True)).to_be_visible()
    # Alumni to meet: people of the directory who work there now, with a link to their profile.
    alumni = funded.locator("ul.alumni a[href^='/annuaire/']")
    assert alumni.count() >= 3
    expect(cnes.get_by_test_id("partners")).to_be_visible()
    expect(funders.filter(has_text="CIFRE (entreprise)")).to_have_count(1)

    # The Sankey diagram: funder → programme → project → organisation.
    sankey = page.get_by_test_id("sankey")
    expect(sankey.locator("svg.main-svg").first).to_be_visible()
    nodes = sankey.locator("g.sankey-node")
    expect(nodes.first).to_be_visible()
    assert nodes.count() >= 10
    labels = sankey.locator("g.sankey-node text.node-label").all_text_contents()
    assert any("R&T" in label for label in labels), labels
    assert "ACRI-ST" in labels
    page.screenshot(path=str(screenshots / "money-my-thesis.png"), full_page=True)

    # From there, one organisation's money, and the same section on its network page.
    funded.get_by_role("link", name="ACRI-ST", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ACRI-ST")
    expect(page.get_by_test_id("received")).to_contain_text("EUR")
    expect(page.get_by_test_id("co-participants")).to_be_visible()
    page.screenshot(path=str(screenshots / "money-organisation.png"), full_page=True)
    page.get_by_role("link", name="Qui connaît-on ici ?").click()
    section = page.get_by_test_id("org-money")
    expect(section).to_contain_text("Reçoit")
    expect(section.get_by_role("link", name="Tout sur ses financements")).to_be_visible()


def test_the_money_trail_of_a_programme(page: Any, screenshots: Path) -> None:
    _log_in(page)
    page.goto("/financements/?q=LEIT-SPACE")
    page.get_by_role("link", name=re.compile("LEIT-SPACE")).first.click()
    expect(page.get_by_test_id("total")).to_contain_text("14\u202f230\u202f043,02 EUR")
    expect(page.get_by_test_id("top-recipients")).to_contain_text("SINTEF AS")
    page.screenshot(path=str(screenshots / "money-programme-leit-space.png"), full_page=True)
    page.get_by_role("link", name="Voir le parcours de l'argent").click()
    sankey = page.get_by_test_id("sankey")
    expect(sankey.locator("g.sankey-node").first).to_be_visible()
    page.screenshot(path=str(screenshots / "money-trail-leit-space.png"), full_page=True)
