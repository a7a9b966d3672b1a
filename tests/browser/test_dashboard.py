"""The association's dashboard in a browser: staff signs in, the plotly charts draw, no error."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# The demo staff member (see filon.core.demo.generator.PERSONAS).
SOPHIE_EMAIL = "sophie.lambert@example.org"
SOPHIE_PASSWORD = "filon-sophie"


def _log_in(page: Any, email: str, password: str) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def _watch_console(page: Any) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    # A request cut short by the next navigation (ERR_ABORTED) is not a failure.
    page.on(
        "requestfailed",
        lambda req: (
            problems.append(f"{req.url}: {req.failure}")
            if "ERR_ABORTED" not in (req.failure or "")
            else None
        ),
    )
    return problems


def test_staff_opens_the_dashboard_and_the_charts_draw(
    page: Any, live_server: Any, screenshots: Path
) -> None:
    problems = _watch_console(page)
    outside: list[str] = []
    page.on(
        "request",
        lambda req: outside.append(req.url) if not req.url.startswith(live_server.url) else None,
    )
    _log_in(page, SOPHIE_EMAIL, SOPHIE_PASSWORD)
    page.locator(".staff-nav").get_by_role("link", name="Tableau de bord").click()
    expect(page).to_have_url(re.compile(r"/association/tableau-de-bord/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord de l'association")
    expect(page.locator(".headline")).to_contain_text("En 2020")
    charts = page.locator(".js-plotly-plot")
    expect(charts).to_have_count(5)
    for i in range(5):
        # plotly draws each chart as SVG, with its bars or lines inside.
        expect(charts.nth(i).locator("svg.main-svg").first).to_be_visible()
    expect(page.locator("#chart-cotisations .scatterlayer .trace")).to_have_count(7)
    expect(page.locator("#chart-cotisations .legendtext").first).to_have_text(
        "Ensemble des ingénieurs"
    )
    expect(page.get_by_role("link", name="Télécharger en CSV")).to_have_count(5)
    page.screenshot(path=str(screenshots / "dashboard.png"), full_page=True)
    page.locator("#cotisations").screenshot(path=str(screenshots / "dashboard-cotisations.png"))
    assert problems == []
    assert outside == []


def test_staff_finds_a_member_while_typing_a_name(page: Any, screenshots: Path) -> None:
    problems = _watch_console(page)
    _log_in(page, SOPHIE_EMAIL, SOPHIE_PASSWORD)
    page.goto("/association/cotisations/nouvelle/")
    page.get_by_label("Membre").press_sequentially("vasseur", delay=30)
    option = page.locator("#dues-people option")
    expect(option.first).to_have_text(re.compile(r"^Bernard Vasseur — P58"))
    page.get_by_label("Membre").fill(option.first.get_attribute("value"))
    page.get_by_label("Année").fill("2030")
    page.get_by_label("Montant (€)").fill("120,00")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages")).to_contain_text(
        "Cotisation 2030 enregistrée pour Bernard Vasseur."
    )
    expect(page.locator(".dues-history tbody tr").first).to_contain_text("2030")
    page.screenshot(path=str(screenshots / "dues-payment.png"), full_page=True)
    assert problems == []
