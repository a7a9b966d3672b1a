"""Login by e-mail: one normal form, enforced by the database; failed logins limited per
address and per IP, with a message saying when to retry, on the login page and for /admin/."""

from __future__ import annotations

import re
import time
from typing import Any
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from filon.accounts.models import Role, User
from tests.conftest import PASSWORD

LOGIN = "/connexion/"
RETRY = re.compile(r"Réessayez dans (\d+) minutes?, à \d\d:\d\d\.")


def _post(client: Client, email: str, password: str, **extra: Any) -> Any:
    return client.post(LOGIN, {"login": email, "password": password, **extra})


def test_login_ignores_case_and_surrounding_spaces(client: Client, make_user: Any) -> None:
    user = make_user(email="claire.dumas@example.org")
    response = _post(client, "  Claire.DUMAS@Example.org ", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_emails_are_stored_in_their_normal_form(db: None) -> None:
    user = User.objects.create_user("  Jean.Dupont@EXAMPLE.org ", PASSWORD)
    assert user.email == "jean.dupont@example.org"
    user.email = "Autre@Example.org"
    user.save()
    user.refresh_from_db()
    assert user.email == "autre@example.org"


def test_the_database_refuses_another_form_or_a_case_twin(db: None) -> None:
    user = User.objects.create_user("jean@example.org", PASSWORD)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(email="Jean@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(email=" jean@example.org")
    # bulk_create skips save(): the database alone refuses the twin.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="JEAN@example.org", password="!")])


def test_django_backend_finds_the_account_whatever_the_case(db: None) -> None:
    User.objects.create_user("sophie@example.org", PASSWORD)
    assert Client().login(username="SOPHIE@example.org", password=PASSWORD)


def test_five_failures_then_refused_with_the_time_to_retry(client: Client, member: User) -> None:
    for _ in range(5):
        response = _post(client, member.email, "pas-le-bon")
        assert response.status_code == 200
        assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    # The sixth wrong one and the seventh, right, one are refused with the retry message.
    for password in ("pas-le-bon", PASSWORD):
        response = _post(client, member.email, password)
        html = response.content.decode()
        match = RETRY.search(html)
        assert match, html
        assert 14 <= int(match.group(1)) <= 15
        assert "_auth_user_id" not in client.session
    # Another case of the same address is the same key.
    assert RETRY.search(_post(client, member.email.upper(), PASSWORD).content.decode())
    # After the window, the right password works.
    later = time.time() + 15 * 60 + 1
    with mock.patch("allauth.core.internal.ratelimit.time.time", return_value=later):
        response = _post(client, member.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_the_retry_message_in_english(client: Client, member: User) -> None:
    client.cookies["django_language"] = "en"
    for _ in range(5):
        _post(client, member.email, "wrong")
    html = _post(client, member.email, PASSWORD).content.decode()
    assert re.search(r"Try again in \d+ minutes?, at \d\d:\d\d\.", html), html


def test_one_ip_is_limited_across_accounts(client: Client, make_user: Any) -> None:
    users = [make_user() for _ in range(5)]
    for user in users:  # 4 failures each: no account reaches its own limit
        for _ in range(4):
            assert not RETRY.search(_post(client, user.email, "faux").content.decode())
    fresh = make_user()
    assert RETRY.search(_post(client, fresh.email, PASSWORD).content.decode())
    # From another address (IP), the same account gets in.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert _post(other, fresh.email, PASSWORD).status_code == 302


def test_admin_signs_in_through_the_limited_login_page(client: Client, make_user: Any) -> None:
    admin = make_user(Role.ADMIN)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=%2Fadmin%2F"
    # Django's own admin form is never used: a post to it signs nobody in.
    client.post("/admin/login/?next=/admin/", {"username": admin.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    for _ in range(6):
        _post(client, admin.email, "faux", next="/admin/")
    response = _post(client, admin.email, PASSWORD, next="/admin/")
    assert RETRY.search(response.content.decode())
    assert "_auth_user_id" not in client.session
    later = time.time() + 15 * 60 + 1
    with mock.patch("allauth.core.internal.ratelimit.time.time", return_value=later):
        response = _post(client, admin.email, PASSWORD, next="/admin/")
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_old_username_field_still_signs_in(client: Client, member: User) -> None:
    response = client.post(LOGIN, {"username": member.email, "password": PASSWORD})
    assert response.status_code == 302


def test_login_page_links_to_reset_and_first_login(client: Client, db: None) -> None:
    html = client.get(LOGIN).content.decode()
    assert 'href="/mot-de-passe/oublie/"' in html
    assert 'href="/premiere-connexion/"' in html
    assert "Mot de passe oublié ?" in html and "Première connexion ?" in html


def test_there_is_no_free_sign_up(client: Client, db: None) -> None:
    response = client.post(
        "/compte/signup/",
        {"email": "intrus@example.org", "password1": "Xy!9kq2Lmz", "password2": "Xy!9kq2Lmz"},
    )
    assert "Pas d'inscription libre" in response.content.decode()
    assert not User.objects.filter(email="intrus@example.org").exists()


def test_deactivated_account_cannot_sign_in(client: Client, member: User) -> None:
    member.is_active = False
    member.save()
    _post(client, member.email, PASSWORD)
    assert "_auth_user_id" not in client.session
