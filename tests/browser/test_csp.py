"""The Content-Security-Policy in a browser: a member and a staff member walk the main pages, the
plotly charts and htmx work, and chromium reports no violation of the policy on any page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from filon.accounts.models import User
from filon.directory.models import Person
from filon.projects.models import Scenario

pytestmark = pytest.mark.browser

CLAIRE = "claire.dumas@example.org"
SOPHIE = "sophie.lambert@example.org"
# Every violation is logged by chromium ("Refused to … because it violates the following
# Content Security Policy directive …"), and, through this script that runs before the page's
# own, as a console error naming the directive.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI + " " +
                e.sourceFile + ":" + e.lineNumber);
});
"""


# (trace, point) of the ego map's last point that opens someone's profile (its customdata).
PROFILE_POINT = """(div) => {
  for (let i = div.data.length - 1; i >= 0; i--) {
    const urls = div.data[i].customdata || [];
    for (let j = urls.length - 1; j >= 0; j--) {
      if (typeof urls[j] === "string" && urls[j].startsWith("/annuaire/")) { return [i, j]; }
    }
  }
  return null;
}"""


class Walk:
    """A signed-in browser page that records every CSP complaint and every page's header."""

    def __init__(self, page: Any, live_server: Any, email: str) -> None:
        self.page = page
        self.violations: list[str] = []
        self.errors: list[str] = []
        self.headers: dict[str, str] = {}
        page.context.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))
        page.on("response", self._response)
        client = Client()
        client.force_login(User.objects.get(email=email))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )

    def _console(self, msg: Any) -> None:
        text = msg.text
        if "Content Security Policy" in text or "CSP violation" in text:
            self.violations.append(f"{self.page.url}: {text}")
        elif msg.type == "error":
            self.errors.append(f"{self.page.url}: {text}")

    def _response(self, response: Any) -> None:
        if response.request.resource_type == "document":
            self.headers[response.url] = response.headers.get("content-security-policy", "")

    def visit(self, path: str) -> None:
        self.page.goto(path)
        self.page.wait_for_load_state("networkidle")

    def check(self) -> None:
        assert self.violations == []
        assert self.headers, "no page was walked"
        for url, policy in self.headers.items():
            script_src = re.search(r"script-src ([^;]*)", policy)
            assert script_src, f"{url}: no script-src in {policy!r}"
            assert "'unsafe-inline'" not in script_src.group(1), url
            assert "'unsafe-eval'" not in script_src.group(1), url


def _charts_draw(page: Any, count: int) -> None:
    charts = page.locator(".js-plotly-plot")
    expect(charts).to_have_count(count)
    for i in range(count):
        expect(charts.nth(i).locator("svg.main-svg").first).to_be_visible()


def test_a_member_walks_the_main_pages_without_a_csp_violation(
    page: Any, live_server: Any, screenshots: Path
) -> None:
    claire = User.objects.get(email=CLAIRE).person
    scenario = Scenario.objects.create(person=claire, title="Surveillance des forêts")
    walk = Walk(page, live_server, CLAIRE)

    walk.visit("/")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    # The directory: htmx searches as the member types.
    walk.visit("/annuaire/")
    page.get_by_role("searchbox").press_sequentially("dumas", delay=20)
    expect(page.locator("#search-results")).to_contain_text("Claire Dumas")
    walk.visit(f"/annuaire/{claire.pk}/")
    other = Person.objects.exclude(pk=claire.pk).filter(directory_opt_out=False).first()
    assert other is not None
    walk.visit(f"/annuaire/{other.pk}/")

    # The ego map (plotly, drawn by filon/charts.js): clicking a person opens their profile.
    walk.visit("/reseau/")
    chart = page.get_by_test_id("ego-map")
    _charts_draw(page, 1)
    assert chart.locator(".scatterlayer .point").count() > 10
    page.screenshot(path=str(screenshots / "csp-ego-map.png"), full_page=True)
    trace, point = chart.locator(".js-plotly-plot").evaluate(PROFILE_POINT)
    dot = chart.locator(".scatterlayer .trace").nth(trace).locator(".point").nth(point)
    dot.scroll_into_view_if_needed()
    box = dot.bounding_box()
    assert box is not None
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert re.search(r"/(annuaire|organisations)/\d+/$", page.url), page.url

    # Money: who funded her thesis, then a programme's money trail (plotly Sankey diagrams).
    walk.visit("/financements/ma-these/")
    expect(page.get_by_test_id("sankey").locator("g.sankey-node").first).to_be_visible()
    walk.visit("/financements/?q=LEIT-SPACE")
    page.get_by_role("link", name=re.compile("LEIT-SPACE")).first.click()
    page.get_by_role("link", name="Voir le parcours de l'argent").click()
    expect(page.get_by_test_id("sankey").locator("g.sankey-node").first).to_be_visible()
    page.screenshot(path=str(screenshots / "csp-money-trail.png"), full_page=True)

    # Mutual help, and her project: a scenario and its printable sheet.
    walk.visit("/entraide/")
    walk.visit("/projet/")
    walk.visit(f"/projet/scenarios/{scenario.pk}/")
    expect(page.get_by_role("heading", name="Surveillance des forêts")).to_be_visible()
    walk.visit(f"/projet/scenarios/{scenario.pk}/fiche/")
    expect(page.locator("button[data-print]")).to_be_visible()

    walk.check()
    assert walk.errors == []


def test_staff_opens_the_dashboard_without_a_csp_violation(
    page: Any, live_server: Any, screenshots: Path
) -> None:
    walk = Walk(page, live_server, SOPHIE)
    walk.visit("/association/tableau-de-bord/")
    _charts_draw(page, 5)
    expect(page.locator("#chart-cotisations .scatterlayer .trace")).to_have_count(7)
    # Hover labels, the mode bar and a zoom: plotly styles them at run time, within the policy.
    chart = page.locator("#chart-cotisations")
    chart.locator(".scatterlayer .point").nth(3).hover(force=True)  # through the drag layer
    expect(chart.locator(".hoverlayer .hovertext").first).to_be_visible()
    expect(chart.locator(".modebar").first).to_be_visible()
    box = chart.locator(".nsewdrag").first.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    page.mouse.dblclick(box["x"] + 30, box["y"] + 30)
    page.screenshot(path=str(screenshots / "csp-dashboard.png"), full_page=True)
    walk.visit("/imports/")
    walk.visit("/api/docs")
    expect(page.locator(".swagger-ui").first).to_be_visible()
    walk.check()
    assert walk.errors == []
