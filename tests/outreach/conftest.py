"""The standing cast of the outreach tests, and e-mails delivered as soon as they are queued.

- ``a``: Anne, the requester (a docteure, P19);
- ``b``: Bernard, the connector (an engineer, P58);
- ``c``: Chloé, the target (English-speaking account);
- ``x``: Xavier, a member who has nothing to do with any of it;
- ``staff``: the association's staff (no directory entry);
- ``anonymous``: nobody signed in.

Each person has a directory e-mail (shared once they accept to be put in touch), a phone, and
an account e-mail: none of these may appear anywhere before both sides agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from filon.accounts.models import Role, User
from filon.directory.models import ContactPoint, Person

ROLES = ("a", "b", "c", "x", "staff", "anonymous")


@pytest.fixture(autouse=True)
def _send_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test database never commits: send queued e-mails at once instead of on commit."""
    monkeypatch.setattr("filon.ops.queue.after_commit", lambda send: send())


@dataclass
class Cast:
    a: User
    b: User
    c: User
    x: User
    staff: User
    clients: dict[str, Client] = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)

    def person(self, role: str) -> Person:
        user = self.user(role)
        assert user is not None and user.person is not None
        return user.person

    def client(self, role: str) -> Client:
        return self.clients[role]

    def details(self, role: str) -> set[str]:
        """Every contact detail of a member, as it could leak: values, displays, login."""
        person = self.person(role)
        found = {self.user(role).email}  # type: ignore[union-attr]
        for c in ContactPoint.objects.filter(person=person):
            found |= {c.value, c.display}
        return found

    def shared_email(self, role: str) -> str:
        return ContactPoint.objects.get(person=self.person(role), kind="email").value


def signed_in(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def cast(make_person: Any, make_user: Any) -> Cast:
    a = make_user(Role.MEMBER, person=make_person("Anne", "Aubert", year=2019))
    b = make_user(
        Role.MEMBER,
        person=make_person("Bernard", "Berthier", track="ingenieur_civil", year=1958, thesis=None),
    )
    c_person = make_person("Chloé", "Chevalier", school="E", track="ingenieur_civil", year=2005)
    c = make_user(Role.MEMBER, person=c_person)
    c.language = "en"
    c.save()
    x = make_user(Role.MEMBER, person=make_person("Xavier", "Xiberras", year=2010))
    staff = make_user(Role.STAFF)
    cast = Cast(a, b, c, x, staff)
    cast.clients = {role: signed_in(cast.user(role)) for role in ROLES}
    mail.outbox.clear()
    return cast


def bodies(message: Any) -> str:
    """The plain-text and HTML parts of an e-mail, with its subject."""
    parts = [message.subject, message.body]
    parts += [content for content, _mime in getattr(message, "alternatives", [])]
    return "\n".join(parts)


def sent_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if address in m.to]


def links_in(message: Any) -> dict[str, str]:
    """The one-click links of an e-mail, by answer, as site paths."""
    import re

    found = {}
    for answer in ("accept", "decline", "later"):
        match = re.search(rf"https?://[^/\s]+(/entraide/reponse/[^/\s]+/{answer}/)", message.body)
        if match:
            found[answer] = match.group(1)
    return found
