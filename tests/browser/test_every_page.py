"""Every page reachable from the navigation, for each demo role, on a laptop (1280 px) and on a
phone (390 × 844): no server error, no console error, and on the phone nothing wider than the
screen (no horizontal scroll) and a menu button instead of the full header. A full-page
screenshot of each page is saved ($FILON_SCREENSHOTS, else the test's tmp_path) for review."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from filon.accounts.models import User
from filon.core.demo.generator import PERSONAS

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
#: The navigation: the header (brand, menu, account) and the association's bar.
NAV_LINKS = "header.topbar a[href], nav.staff-nav a[href]"
#: Pages of the navigation that are not Filon's own design (Django's admin).
NOT_OURS = ("/admin/",)
#: Links of a page's content not followed: other designs, files, one-off links, sign-out.
NOT_FOLLOWED = ("/admin/", "/api/", "/static/", "/media/", "/connexion/", "/deconnexion/", "/l/")
#: How many pages one step from the navigation are visited (one of each kind of address).
DEEPER = 30
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
#: What sticks out past the right edge, to say which element makes a page scroll sideways.
WIDE = """() => {
  const w = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 1 && r.width > 0) {
      const cls = typeof el.className === "string" ? el.className.trim() : "";
      out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
               (cls ? "." + cls.split(/\\s+/).join(".") : "") + " right=" + Math.round(r.right));
    }
  }
  return out.slice(0, 8);
}"""


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "accueil"


class Visitor:
    """One role in one browser window size, signed in, recording console errors."""

    def __init__(self, browser: Any, live_server: Any, email: str, viewport: dict[str, int]):
        self.context = browser.new_context(
            base_url=live_server.url, locale="fr-FR", viewport=viewport
        )
        self.context.set_default_timeout(15_000)
        client = Client()
        client.force_login(User.objects.get(email=email))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on(
            "console",
            lambda msg: msg.type == "error" and self.errors.append(f"{self.page.url}: {msg.text}"),
        )
        self.page.on("pageerror", lambda exc: self.errors.append(f"{self.page.url}: {exc}"))

    def open(self, path: str) -> int:
        response = self.page.goto(path)
        self.page.wait_for_load_state("networkidle")
        return response.status if response is not None else 0

    def nav_paths(self, selector: str = NAV_LINKS) -> list[str]:
        hrefs = self.page.eval_on_selector_all(
            selector, "els => els.map(e => e.getAttribute('href'))"
        )
        out = []
        for href in hrefs:
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path not in out:
                out.append(parts.path)
        return out


@pytest.mark.parametrize("role", ["docteur", "ingenieur", "staff"])
def test_every_page_of_the_navigation_on_a_laptop_and_a_phone(
    role: str, browser: Any, live_server: Any, demo_network: None, screenshots: Path
) -> None:
    email = next(p[1] for p in PERSONAS if p[0] == role)
    problems: list[str] = []
    deeper: list[str] = []
    for name, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
        visitor = Visitor(browser, live_server, email, viewport)
        try:
            assert visitor.open("/") == 200
            paths = ["/", *(p for p in visitor.nav_paths() if p != "/")]
            assert len(paths) >= 5, paths
            if name == "laptop":
                deeper = _one_step_further(visitor, paths) + _main_pages(email)
            paths += deeper
            if name == "phone":
                _check_the_phone_header(visitor.page)
            for path in paths:
                status = visitor.open(path)
                if status >= 500 or status == 0:
                    problems.append(f"{name} {path}: HTTP {status}")
                    continue
                visitor.page.screenshot(
                    path=str(screenshots / f"{role}-{name}-{_slug(path)}.png"), full_page=True
                )
                if "{#" in visitor.page.inner_text("body"):
                    problems.append(f"{name} {path}: a template comment shows on the page")
                if name == "phone" and not path.startswith(NOT_OURS):
                    overflow = visitor.page.evaluate(OVERFLOW)
                    if overflow > 0:
                        wide = visitor.page.evaluate(WIDE)
                        problems.append(f"{name} {path}: {overflow}px too wide: {wide}")
            problems += [f"{name} console: {e}" for e in visitor.errors]
        finally:
            visitor.context.close()
    assert not problems, "\n".join(problems)


def _shape(path: str) -> str:
    """An address with its numbers blanked: one page of each kind is enough."""
    return re.sub(r"\d+", "N", path)


def _one_step_further(visitor: Visitor, paths: list[str]) -> list[str]:
    """One page of each kind linked from the content of the navigation's pages."""
    shapes = {_shape(p) for p in paths}
    out: list[str] = []
    for path in paths:
        visitor.open(path)
        for link in visitor.nav_paths("main a[href]:not([download])"):
            if link.startswith(NOT_FOLLOWED) or link.endswith((".csv", ".pdf", ".json")):
                continue
            if _shape(link) not in shapes and len(out) < DEEPER:
                shapes.add(_shape(link))
                out.append(link)
    return out


def _main_pages(email: str) -> list[str]:
    """Main pages the content links to two steps away: the busiest organisation, the offer
    sheets of the member's scenarios."""
    from django.db.models import Count, Q

    from filon.orgs.models import Organisation
    from filon.projects.models import Scenario

    busiest = (
        Organisation.objects.annotate(n=Count("positions", filter=Q(positions__end__isnull=True)))
        .order_by("-n")
        .first()
    )
    out = [f"/organisations/{busiest.pk}/"] if busiest is not None else []
    person = User.objects.get(email=email).person_id
    for pk in Scenario.objects.filter(person_id=person).values_list("pk", flat=True)[:3]:
        out += [f"/projet/scenarios/{pk}/", f"/projet/scenarios/{pk}/fiche/"]
    return out


def _check_the_phone_header(page: Any) -> None:
    """On a phone the header is one line with a menu button; the button opens the menu."""
    header = page.locator("header.topbar")
    box = header.bounding_box()
    assert box is not None and box["height"] <= 80, box
    button = page.get_by_role("button", name="Menu")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Annuaire")).to_be_visible()
    button.click()
    expect(nav).to_be_hidden()


def test_the_directory_filters_fold_behind_a_button_on_a_phone(page: Any, live_server: Any) -> None:
    """On a phone the results come right after the search box; the facets are one tap away."""
    from tests.browser.test_csp import CLAIRE

    page.set_viewport_size(PHONE)
    client = Client()
    client.force_login(User.objects.get(email=CLAIRE))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.goto("/annuaire/")
    toggle = page.get_by_role("button", name=re.compile("^Filtres"))
    expect(toggle).to_be_visible()
    facets = page.locator(".facets")
    expect(facets).to_be_hidden()
    results = page.locator("#search-results .result").first
    expect(results).to_be_visible()
    assert results.bounding_box()["y"] < PHONE["height"], "results start below the first screen"
    toggle.click()
    expect(facets).to_be_visible()
    # On a laptop the facets stay in their column, without a button.
    page.set_viewport_size(LAPTOP)
    expect(toggle).to_be_hidden()
    expect(facets).to_be_visible()
