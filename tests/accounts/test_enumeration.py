"""« Première connexion ? » and « Mot de passe oublié ? » tell nothing about an address: the
same status and page text for a known and an unknown one; both are rate-limited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from filon.accounts.models import AccountState, User
from filon.directory.models import ContactPoint, Person
from tests.conftest import PASSWORD

#: What differs from one answer to the next whatever the address: CSRF tokens, CSP nonces.
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')


def _answer(client: Client, path: str, field: str, email: str) -> tuple[int, str, str]:
    """Status, final page text (tokens and nonces blanked) and where the post redirected."""
    response = client.post(path, {field: email})
    location = response.get("Location", "")
    page = client.get(location) if response.status_code == 302 else response
    return response.status_code, TOKEN.sub("", page.content.decode()), location


@pytest.fixture
def directory_person(make_person: Any) -> tuple[Person, str]:
    person = make_person("Paul", "Durand")
    return person, ContactPoint.objects.get(person=person, kind="email").value


def test_first_login_answers_the_same_for_known_and_unknown_addresses(
    directory_person: tuple[Person, str], mailoutbox: list
) -> None:
    person, email = directory_person
    known = _answer(Client(), "/premiere-connexion/", "email", email)
    unknown = _answer(Client(), "/premiere-connexion/", "email", "inconnu@example.org")
    assert known == unknown
    assert known[0] == 302
    # One e-mail each: the invitation to the known, a « not in the directory » to the other.
    assert [m.to for m in mailoutbox] == [[email], ["inconnu@example.org"]]
    assert "/activation/" in mailoutbox[0].body
    assert "/activation/" not in mailoutbox[1].body
    assert User.objects.get(person=person).state == AccountState.INVITED


def test_first_login_for_an_active_account_points_to_the_reset(
    member: User, mailoutbox: list
) -> None:
    unknown = _answer(Client(), "/premiere-connexion/", "email", "inconnu@example.org")
    known = _answer(Client(), "/premiere-connexion/", "email", member.email.upper())
    assert known == unknown
    assert "/mot-de-passe/oublie/" in mailoutbox[-1].body
    assert "/activation/" not in mailoutbox[-1].body


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(
    member: User, mailoutbox: list
) -> None:
    known = _answer(Client(), "/mot-de-passe/oublie/", "email", member.email)
    unknown = _answer(Client(), "/mot-de-passe/oublie/", "email", "inconnu@example.org")
    assert known == unknown
    assert known[0] == 302
    assert [m.to for m in mailoutbox] == [[member.email], ["inconnu@example.org"]]
    assert "/mot-de-passe/nouveau/" in mailoutbox[0].body
    assert "Aucun compte Filon n'utilise cette adresse." in mailoutbox[1].body


def test_first_login_is_rate_limited_per_address(
    directory_person: tuple[Person, str], mailoutbox: list
) -> None:
    _person, email = directory_person
    for i in range(3):
        assert (
            Client(REMOTE_ADDR=f"198.51.100.{i}")
            .post("/premiere-connexion/", {"email": email})
            .status_code
            == 302
        )
    refused = Client(REMOTE_ADDR="198.51.100.9").post("/premiere-connexion/", {"email": email})
    assert refused.status_code == 429
    assert "Trop de demandes" in refused.content.decode()
    assert len(mailoutbox) == 3
    # The same for an unknown address: the limit says nothing either.
    for _ in range(3):
        Client().post("/premiere-connexion/", {"email": "x@example.org"})
    assert Client().post("/premiere-connexion/", {"email": "x@example.org"}).status_code == 429


def test_first_login_is_rate_limited_per_ip(db: None) -> None:
    client = Client(REMOTE_ADDR="192.0.2.7")
    codes = [
        client.post("/premiere-connexion/", {"email": f"n{i}@example.org"}).status_code
        for i in range(21)
    ]
    assert codes[:20] == [302] * 20 and codes[20] == 429


def test_password_reset_then_login_with_the_new_password(
    member: User, mailoutbox: list, client: Client
) -> None:
    client.post("/mot-de-passe/oublie/", {"email": member.email.upper()})
    link = re.search(r"https?://\S+/mot-de-passe/nouveau/\S+/", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    path = "/" + link.group(0).split("/", 3)[3]
    response = client.get(path)
    if response.status_code == 302:  # allauth moves the key into the session
        path = response["Location"]
    new = "Encore-une-phrase-solide-7"
    done = client.post(path, {"password1": new, "password2": new})
    assert done.status_code == 302
    assert Client().login(username=member.email, password=new)
    assert not Client().login(username=member.email, password=PASSWORD)
