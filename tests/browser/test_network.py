"""Claire maps her network: paths with reasons to space organisations, and her ego map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CLAIRE_EMAIL = "claire.dumas@example.org"
CLAIRE_PASSWORD = "filon-claire"
SPACE = ("ACRI-ST", "Airbus Defence and Space", "Thales Alenia Space")
REASON_WORDS = (
    "même labo",
    "collègues",
    "même promo",
    "relation",
    "co-auteurs",
    "thèse",
    "membres du groupe",
    "mentorat",
)


def _log_in(page: Any) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(CLAIRE_EMAIL)
    page.get_by_label("Mot de passe").fill(CLAIRE_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_claire_finds_paths_to_space_organisations(page: Any, screenshots: Path) -> None:
    _log_in(page)
    page.locator(".main-nav").get_by_role("link", name="Réseau").click()
    for name in SPACE:
        page.goto("/reseau/")
        page.get_by_label("Qui connaît-on chez… ?").fill(name)
        page.get_by_role("button", name="Chercher").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        paths = page.get_by_test_id("path")
        expect(paths.first).to_be_visible()
        first = paths.first.inner_text()
        assert "Vous" in first
        assert any(word in first for word in REASON_WORDS), first
        last_hop = paths.first.locator(".hop").last.inner_text()
        assert name in last_hop and ("travaille chez" in last_hop or "a travaillé" in last_hop)
        if name == "Airbus Defence and Space":
            page.screenshot(path=str(screenshots / "network-org-airbus.png"), full_page=True)
    expect(page.get_by_role("heading", name="Qui connaît-on ici ?")).to_be_visible()


def test_claires_ego_map_renders(page: Any, screenshots: Path) -> None:
    _log_in(page)
    page.goto("/reseau/")
    chart = page.get_by_test_id("ego-map")
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(chart.locator(".legendtext").first).to_be_visible()
    assert chart.locator(".scatterlayer .point").count() > 10
    expect(chart).to_contain_text("Claire Dumas")
    page.screenshot(path=str(screenshots / "network-ego-claire.png"), full_page=True)
    # Only the cohorts: the map redraws with the promo hub.
    for box in page.get_by_role("checkbox").all():
        if box.is_checked():
            box.uncheck()
    page.get_by_label("Même promo").check()
    page.get_by_role("button", name="Afficher").click()
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(chart).to_contain_text("P19")
