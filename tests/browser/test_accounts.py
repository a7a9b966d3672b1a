"""An account's whole life in a browser: staff invite a directory person who has no account, the
e-mail in the outbox holds the link, the person chooses a password, logs in with their e-mail in
capitals, logs out, resets the password from the e-mail and logs in with the new one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SOPHIE = ("sophie.lambert@example.org", "filon-sophie")
FIRST_PASSWORD = "Une-phrase-de-passe-solide-42"
NEW_PASSWORD = "Encore-une-autre-phrase-87"


def _log_in(page: Any, email: str, password: str) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def _log_out(page: Any) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/connexion/$"))


def _link_in_outbox(outbox: Path, to: str, pattern: str, seen: set[str]) -> str:
    """The newest link matching ``pattern`` in the outbox's messages to ``to``."""
    found = []
    for path in sorted(outbox.glob("*.log")):
        text = path.read_bytes().decode("utf-8", "replace")
        for message in text.split("\n" + "-" * 79 + "\n"):
            if f"To: {to}" in message:
                found += [m for m in re.findall(pattern, message) if m not in seen]
    assert found, f"no {pattern} for {to} in {outbox}"
    seen.add(found[-1])
    return found[-1]


def test_invitation_first_login_logout_and_password_reset(
    page: Any, live_server: Any, settings: Any, tmp_path: Path, screenshots: Path
) -> None:
    from filon.directory.models import ContactPoint, Person

    outbox = tmp_path / "outbox"
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(outbox)
    settings.SITE_URL = live_server.url
    person = (
        Person.objects.filter(account__isnull=True, contact_points__kind="email")
        .order_by("pk")
        .first()
    )
    assert person is not None
    email = ContactPoint.objects.filter(person=person, kind="email").values_list(
        "value", flat=True
    )[0]
    seen: set[str] = set()

    # Staff find the person on « Comptes » and invite them.
    _log_in(page, *SOPHIE)
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    page.locator(".staff-nav").get_by_role("link", name="Comptes").click()
    page.get_by_label("Nom ou adresse e-mail").fill(person.last_name + " " + person.first_name)
    page.get_by_role("button", name="Chercher").click()
    row = page.locator(f"tr[data-person='{person.pk}']")
    expect(row.locator(".state")).to_have_text("jamais invité")
    row.get_by_role("button", name="Inviter").click()
    expect(page.locator(".messages")).to_contain_text("Invitation envoyée")
    expect(page.locator(f"tr[data-person='{person.pk}'] .state")).to_contain_text("invité le")
    page.screenshot(path=str(screenshots / "accounts-staff.png"), full_page=True)
    _log_out(page)

    # The e-mail holds the link; the person chooses a password and lands home signed in.
    link = _link_in_outbox(outbox, email, r"https?://[^\s\"<>]+/activation/[\w:\-]+/", seen)
    assert link.startswith(live_server.url)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choisissez votre mot de passe")).to_be_visible()
    page.locator("input[name=new_password1]").fill(FIRST_PASSWORD)
    page.locator("input[name=new_password2]").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".topbar .who")).to_have_text(person.full_name)
    _log_out(page)

    # They log in with their e-mail in capitals, then log out.
    _log_in(page, email.upper(), FIRST_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".topbar .who")).to_have_text(person.full_name)
    _log_out(page)

    # « Mot de passe oublié ? »: the reset link from the e-mail, a new password.
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.locator("input[name=email]").fill(email)
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_role("heading", name="Regardez votre messagerie")).to_be_visible()
    reset = _link_in_outbox(
        outbox, email, r"https?://[^\s\"<>]+/mot-de-passe/nouveau/[\w\-]+/", seen
    )
    page.goto(reset)
    page.locator("input[name=password1]").fill(NEW_PASSWORD)
    page.locator("input[name=password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_role("heading", name="Mot de passe changé")).to_be_visible()

    # The old password no longer works; the new one does.
    _log_in(page, email, FIRST_PASSWORD)
    expect(page.locator("p.error")).to_contain_text("Adresse e-mail ou mot de passe incorrect.")
    _log_in(page, email, NEW_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".topbar .who")).to_have_text(person.full_name)
    page.screenshot(path=str(screenshots / "accounts-member.png"), full_page=True)
