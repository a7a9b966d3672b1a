"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

Playwright never downloads a browser of its own here: it launches /usr/bin/chromium.
Without that binary the browser tests are skipped, unless FILON_REQUIRE_BROWSER=1 (as in
CI), in which case they fail loudly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import restore_reference_rows

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this folder that drives the browser carries the `browser` marker."""
    for item in items:
        if HERE in Path(str(item.path)).parents and "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str) -> None:
    if os.environ.get("FILON_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (FILON_REQUIRE_BROWSER=1: the browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless chromium for the whole session."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    from playwright.sync_api import expect

    # Generous waits: CI machines are slow and busy; a passing check returns at once anyway.
    expect.set_options(timeout=10_000)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def demo_network(live_server: Any) -> None:
    """A small demo network, committed (transactional_db) so the live server's thread sees it."""
    from filon.demo.load import generate_and_load

    restore_reference_rows()
    generate_and_load(300, 1)


@pytest.fixture
def page(browser: Any, live_server: Any, demo_network: None) -> Iterator[Any]:
    """A fresh page (own cookies) on the live server, with a French browser."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Where full-page screenshots go: $FILON_SCREENSHOTS, else the test's tmp_path."""
    folder = Path(os.environ.get("FILON_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
