"""Staff need a second factor when FILON_STAFF_MFA (or FILON_PRODUCTION) is on: without one,
every URL of the URL conf answers with the page asking to set one up; with TOTP, they get in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from filon.accounts.actions import issue_api_token
from filon.accounts.models import Role, User
from tests.conftest import PASSWORD

SETUP = "/compte/second-facteur/"
#: Pages a staff account without a second factor may still reach: those that set one up.
OPEN = ("/compte/2fa/", "/compte/reauthenticate/", SETUP, "/deconnexion/", "/compte/logout/")
OPEN_EXACT = {"/i18n/setlang/", "/favicon.ico"}
#: The staff's own pages, which must be among those enumerated.
STAFF_PAGES = [
    "/comptes/",
    "/association/tableau-de-bord/",
    "/imports/",
    "/admin/",
    "/admin/accounts/user/",
    "/annuaire/1/effacer/",
    "/comptes/personne/1/donnees.json",
]

_CONVERTERS = re.compile(r"<(?:(\w+):)?\w+>")
_SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "0" * 32, None: "x"}


def _route(pattern: Any) -> str | None:
    """A concrete path for a route pattern (converters filled in); None for a regex pattern."""
    route = getattr(pattern, "_route", None)
    if route is None:
        return None
    return _CONVERTERS.sub(lambda m: _SAMPLE.get(m.group(1), "x"), route)


def every_path(patterns: list[Any] | None = None, prefix: str = "/") -> Iterator[str]:
    """Every path of the URL conf (regex patterns, as the admin's, are listed by hand)."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = _route(entry.pattern)
        if route is None:
            continue
        if isinstance(entry, URLResolver):
            yield from every_path(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def _blocked(path: str) -> bool:
    return path not in OPEN_EXACT and not path.startswith(OPEN)


@pytest.fixture
def staff_without_factor(make_user: Any) -> User:
    return make_user(Role.STAFF)


@override_settings(STAFF_MFA=True)
def test_every_url_sends_staff_without_a_second_factor_to_set_one_up(
    staff_without_factor: User,
) -> None:
    client = Client()
    client.force_login(staff_without_factor)
    paths = sorted(set(every_path()) | set(STAFF_PAGES))
    assert len(paths) > 60
    for page in STAFF_PAGES:
        assert page in paths or page.startswith("/admin/")
    checked = 0
    for path in paths:
        if not _blocked(path):
            continue
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 403, path
            assert "double authentification" in response.json()["detail"]
        else:
            assert response.status_code == 302, (path, response.status_code)
            assert response["Location"].startswith(SETUP + "?next="), path
        posted = client.post(path)
        assert posted.status_code == 403, path
        checked += 1
    assert checked > 60
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "Double authentification requise" in page.content.decode()


@override_settings(STAFF_MFA=True)
def test_admins_too(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user(Role.ADMIN))
    assert client.get("/admin/")["Location"].startswith(SETUP)


@override_settings(STAFF_MFA=True)
def test_members_are_not_asked(member_client: Client) -> None:
    assert member_client.get("/").status_code == 200


def test_without_the_requirement_staff_get_in(staff_client: Client) -> None:
    assert staff_client.get("/comptes/").status_code == 200


@override_settings(STAFF_MFA=True)
def test_with_totp_staff_sign_in_and_reach_every_staff_page(
    staff_without_factor: User, client: Client
) -> None:
    secret = pyotp.random_base32()
    TOTP.activate(staff_without_factor, secret)
    response = client.post(
        "/connexion/", {"login": staff_without_factor.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/2fa/authenticate/")
    assert "_auth_user_id" not in client.session
    response = client.post(response["Location"], {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_without_factor.pk)
    for path in ("/comptes/", "/association/tableau-de-bord/", "/imports/"):
        assert client.get(path).status_code == 200, path
    assert client.get(SETUP).status_code == 302  # nothing left to set up


@override_settings(STAFF_MFA=True)
def test_api_tokens_of_staff_without_a_second_factor_are_refused(
    staff_without_factor: User,
) -> None:
    raw = issue_api_token(staff_without_factor, "script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/me").status_code == 401
    TOTP.activate(staff_without_factor, pyotp.random_base32())
    assert client.get("/api/me").status_code == 200
