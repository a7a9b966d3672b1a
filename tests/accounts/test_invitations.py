"""Invitations: an account per directory person, a signed single-use link in their language,
never twice within seven days unless forced; `filon accounts invite` prints what it did."""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone
from typer.testing import CliRunner

from filon.accounts import invitations
from filon.accounts.models import AccountState, Role, User
from filon.audit.models import AuditEntry
from filon.cli import app
from filon.directory.models import ContactPoint, Person

LINK = re.compile(r"https?://[^\s\"<]+/activation/[^\s\"<]+/")
NEW_PASSWORD = "Une-phrase-de-passe-solide-42"


def _link(message: Any) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(0)


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


@pytest.fixture
def nobody(make_person: Any) -> Person:
    """A directory person without an account, e-mail ``personneN@example.org``."""
    return make_person("Lucie", "Bernard")


def test_invite_creates_the_account_and_mails_a_link(nobody: Person, mailoutbox: list) -> None:
    result = invitations.invite([nobody.pk])
    assert result.as_json()["invited"] == 1
    user = User.objects.get(person=nobody)
    email = ContactPoint.objects.get(person=nobody, kind="email").value
    assert user.email == email
    assert not user.has_usable_password()
    assert user.state == AccountState.INVITED
    [message] = mailoutbox
    assert message.to == [email]
    assert message.subject == "Votre compte Filon vous attend"
    assert "Bonjour Lucie," in message.body
    assert "valable 30 jours" in message.body
    html = message.alternatives[0][0]
    assert _link(message) in html
    assert AuditEntry.objects.filter(action="account.invite").count() == 1


@override_settings(SITE_URL="https://filon.example.org")
def test_links_use_the_site_url(nobody: Person, mailoutbox: list) -> None:
    invitations.invite([nobody.pk])
    assert _link(mailoutbox[0]).startswith("https://filon.example.org/activation/")


def test_the_invitation_is_in_the_accounts_language(nobody: Person, mailoutbox: list) -> None:
    invitations.invite([nobody.pk])
    user = User.objects.get(person=nobody)
    user.language = "en"
    user.save()
    invitations.invite([nobody.pk], force=True)
    message = mailoutbox[-1]
    assert message.subject == "Your Filon account is waiting for you"
    assert "Hello Lucie," in message.body
    assert message.extra_headers["Content-Language"] == "en"


def test_the_link_sets_a_password_and_lands_home_signed_in(
    nobody: Person, mailoutbox: list, client: Client
) -> None:
    invitations.invite([nobody.pk])
    path = _path(_link(mailoutbox[0]))
    page = client.get(path)
    assert page.status_code == 200
    assert "Choisissez votre mot de passe" in page.content.decode()
    weak = client.post(path, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 400  # Django's validators: too common, entirely numeric
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(person=nobody)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.state == AccountState.ACTIVE
    assert "Lucie Bernard" in client.get("/").content.decode()
    # Single use: the same link is now worthless.
    client.logout()
    again = client.get(path)
    assert again.status_code == 400
    assert "Lien expiré ou déjà utilisé" in again.content.decode()


def test_a_newer_invitation_or_time_spends_the_link(
    nobody: Person, mailoutbox: list, client: Client
) -> None:
    invitations.invite([nobody.pk])
    first = _path(_link(mailoutbox[0]))
    soon = timezone.now() + timedelta(seconds=5)
    with mock.patch("django.utils.timezone.now", return_value=soon):
        invitations.invite([nobody.pk], force=True)
    second = _path(_link(mailoutbox[1]))
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 200
    later = time.time() + 31 * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert client.get(second).status_code == 400
    assert client.get("/activation/pas-un-jeton/").status_code == 400


def test_skips_are_counted(make_person: Any, make_user: Any, mailoutbox: list) -> None:
    fresh = make_person()
    no_email = make_person(contacts=False)
    active = make_person()
    make_user(Role.MEMBER, person=active)
    disabled = make_person()
    make_user(Role.MEMBER, person=disabled).__class__.objects.filter(person=disabled).update(
        is_active=False
    )
    recent = make_person()
    invitations.invite([recent.pk])
    mailoutbox.clear()
    ids = [fresh.pk, no_email.pk, active.pk, disabled.pk, recent.pk]
    result = invitations.invite(ids)
    assert result.as_json() == {
        "invited": 1,
        "skipped": {"already_active": 1, "invited_recently": 1, "no_email": 1, "deactivated": 1},
        "failed": 0,
    }
    assert len(mailoutbox) == 1
    # Forced: the recent one again (and the fresh one, now recent too).
    assert invitations.invite(ids, force=True).invited == 2
    # Eight days later, no force needed.
    later = timezone.now() + timedelta(days=8)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert invitations.invite(ids).invited == 2


def test_an_address_already_used_by_another_account_is_not_usable(
    make_person: Any, make_user: Any
) -> None:
    person = make_person()
    email = ContactPoint.objects.get(person=person, kind="email").value
    make_user(email=email.upper())
    assert invitations.invite([person.pk]).no_email == 1


def test_a_message_that_cannot_leave_marks_the_address_failed(nobody: Person) -> None:
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError
    ):
        result = invitations.invite([nobody.pk])
    assert result.failed == 1
    assert User.objects.get(person=nobody).state == AccountState.FAILED


# -- the command ----------------------------------------------------------------------------


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def test_cli_invite_all_json(cli: CliRunner, make_person: Any, mailoutbox: list) -> None:
    people = [make_person() for _ in range(3)] + [make_person(contacts=False)]
    dry = cli.invoke(app, ["accounts", "invite", "--all", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["invited"] == 3
    assert not mailoutbox and not User.objects.filter(person__in=people).exists()
    run = cli.invoke(app, ["accounts", "invite", "--all", "--json"])
    assert run.exit_code == 0, run.output
    report = json.loads(run.stdout)
    assert report["invited"] == 3
    assert report["skipped"] == {
        "already_active": 0,
        "invited_recently": 0,
        "no_email": 1,
        "deactivated": 0,
    }
    assert len(mailoutbox) == 3
    again = json.loads(cli.invoke(app, ["accounts", "invite", "--all", "--json"]).stdout)
    assert again["invited"] == 0 and again["skipped"]["invited_recently"] == 3
    forced = cli.invoke(app, ["accounts", "invite", "--all", "--force", "--json"])
    assert json.loads(forced.stdout)["invited"] == 3


def test_cli_invite_by_email_school_and_track(
    cli: CliRunner, make_person: Any, mailoutbox: list
) -> None:
    docteur = make_person(school="P", track="docteur")
    make_person(school="E", track="ingenieur_civil")
    email = ContactPoint.objects.get(person=docteur, kind="email").value
    one = cli.invoke(app, ["accounts", "invite", "--email", email.upper(), "--json"])
    assert one.exit_code == 0, one.output
    assert json.loads(one.stdout)["invited"] == 1
    assert User.objects.get(person=docteur).email == email
    scoped = cli.invoke(
        app, ["accounts", "invite", "--all", "--school", "E", "--track", "docteur", "--json"]
    )
    assert json.loads(scoped.stdout)["invited"] == 0
    unknown = cli.invoke(app, ["accounts", "invite", "--email", "inconnu@example.org"])
    assert unknown.exit_code == 1
    both = cli.invoke(app, ["accounts", "invite", "--all", "--email", email])
    assert both.exit_code == 2
    bad = cli.invoke(app, ["accounts", "invite", "--all", "--track", "astronaute"])
    assert bad.exit_code == 2
