"""Filon's e-mails: each one in plain text and HTML, in the recipient's language, sent through
Django's configured backend — and the backend chosen from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from filon.ops.notify import render_message, send_to

TEMPLATES = (
    Path(__file__).resolve().parents[2] / "filon" / "outreach" / "templates" / "outreach" / "email"
)
NAMES = sorted(p.name[: -len("_subject.txt")] for p in TEMPLATES.glob("*_subject.txt"))


def context(person: Any) -> dict[str, Any]:
    intro = SimpleNamespace(
        reason="Raison", connector_note="Un mot", expires_at=timezone.now(), connector=person
    )
    return {
        "recipient": SimpleNamespace(first_name="Anne", email="anne@example.org"),
        "sender": person,
        "requester": person,
        "connector": person,
        "target": person,
        "other": person,
        "helper": person,
        "other_email": "autre@example.org",
        "request": SimpleNamespace(message="Bonjour", expires_at=timezone.now()),
        "intro": intro,
        "subject": intro,
        "event": SimpleNamespace(title="Afterwork"),
        "links": {"accept": "http://x/a", "decline": "http://x/d", "later": "http://x/l"},
        "page_url": "http://x/page",
        "message": "Merci",
        "step": "connector",
    }


def test_there_are_e_mails_to_check() -> None:
    assert len(NAMES) >= 15


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_e_mail_renders_text_and_html(name: str, language: str, make_person: Any) -> None:
    person = make_person("Anne", "O'Brien")
    subject, text, html = render_message(name, context(person), language)
    assert subject and "\n" not in subject
    assert "{%" not in text and "{{" not in text
    assert f'<html lang="{language}">' in html
    assert "&amp;#x27;" not in html and "&#x27;" not in text  # escaped once, where it belongs


def test_a_person_without_an_account_is_written_to_at_their_directory_address(
    make_person: Any, db: None
) -> None:
    person = make_person("Sans", "Compte")
    assert send_to(person, "thanks", {"sender": person, "message": "Merci"})
    message = mail.outbox[-1]
    assert message.to == [person.contact_points.get(kind="email").value]
    assert message.extra_headers["Content-Language"] == "fr"


def test_a_person_without_any_address_is_skipped(make_person: Any, db: None) -> None:
    person = make_person("Sans", "Adresse", contacts=False)
    assert not send_to(person, "thanks", {"sender": person, "message": "Merci"})
    assert mail.outbox == []


def _settings(tmp_path: Path, **env: str) -> str:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FILON_", "DATABASE_URL", "DJANGO_"))
    }
    base.update(DJANGO_SETTINGS_MODULE="filon.settings", FILON_DATA_DIR=str(tmp_path), **env)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_FILE_PATH, "
        "s.DEFAULT_FROM_EMAIL, sep='|')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, timeout=60
    )
    return done.stdout.strip() or done.stderr


def test_the_demo_writes_e_mails_to_files(tmp_path: Path) -> None:
    out = _settings(tmp_path).split("|")
    assert out[0] == "django.core.mail.backends.filebased.EmailBackend"
    assert out[4] == str(tmp_path / "outbox")


def test_smtp_comes_from_one_url(tmp_path: Path) -> None:
    out = _settings(
        tmp_path,
        FILON_EMAIL_URL="smtp://filon:secret@mail.example.org:587?tls=1",
        FILON_EMAIL_FROM="Filon <filon@example.org>",
    ).split("|")
    assert out[:4] == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        "587",
        "True",
    ]
    assert out[5] == "Filon <filon@example.org>"


def test_smtp_comes_from_separate_values(tmp_path: Path) -> None:
    out = _settings(
        tmp_path, FILON_EMAIL_BACKEND="smtp", FILON_EMAIL_HOST="relay", FILON_EMAIL_PORT="2525"
    ).split("|")
    assert out[:3] == ["django.core.mail.backends.smtp.EmailBackend", "relay", "2525"]


def test_a_bad_e_mail_setting_stops_filon(tmp_path: Path) -> None:
    out = _settings(tmp_path, FILON_EMAIL_URL="pigeon://loft")
    assert "ImproperlyConfigured" in out and "unknown scheme 'pigeon'" in out
