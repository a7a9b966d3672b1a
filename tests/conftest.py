"""Shared fixtures: a small demo network, people and accounts made to order, signed-in clients."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings

from filon.accounts.models import Role, User
from filon.core.demo.generator import Network
from filon.demo.load import Login, generate_and_load
from filon.directory.models import (
    Affiliation,
    ContactPoint,
    Person,
    Position,
    School,
    Thesis,
    ThesisAdvisor,
    ThesisFunding,
)
from filon.orgs.models import Organisation

PASSWORD = "un-mot-de-passe-de-test"

_serial = itertools.count(1)


def restore_reference_rows() -> None:
    """Write again the rows of the data migrations (NACE sectors, schools); both are idempotent.

    A transactional test flushes every table when it ends, these included, and Django's
    serialized rollback cannot be relied on to bring them back (a live server or Playwright's
    event loop gives the test thread a new connection, without the serialized copy).
    """
    import importlib

    from django.apps import apps

    if School.objects.exists():
        return
    for module in (
        "filon.orgs.migrations.0002_load_nace",
        "filon.directory.migrations.0002_schools",
    ):
        importlib.import_module(module).load(apps, None)


@pytest.fixture(autouse=True)
def _reference_rows_in_transactional_tests(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        restore_reference_rows()


@pytest.fixture(autouse=True)
def _fresh_search_columns() -> Any:
    """Each test starts with no facet columns in memory: a rolled-back test took its documents
    (and their change numbers) away, which no server process ever sees."""
    from filon.directory.search import forget_indexes

    forget_indexes()
    yield
    forget_indexes()


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Any:
    """PBKDF2 costs a fifth of a second a password: far too slow for hundreds of logins."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


# -- the demo network ---------------------------------------------------------------------


@dataclass
class Demo:
    net: Network
    logins: list[Login]

    def login(self, role: str) -> Login:
        return next(login for login in self.logins if login.role == role)

    def user(self, role: str) -> User:
        return User.objects.get(email=self.login(role).email)

    def person(self, role: str) -> Person:
        person = self.user(role).person
        assert person is not None
        return person


@pytest.fixture
def demo(db: None) -> Demo:
    """A 300-member demo network (seed 1) written into the test database."""
    net, logins = generate_and_load(members=300, seed=1)
    return Demo(net, logins)


# -- factories ----------------------------------------------------------------------------


@pytest.fixture
def make_person(db: None) -> Any:
    """Make a person, by default a P19 docteur with a thesis, a current position and contacts."""

    def make(
        first_name: str = "Anne",
        last_name: str | None = None,
        *,
        school: str = "P",
        track: str = "docteur",
        year: int = 2019,
        thesis: str | None = "Modélisation des réservoirs fracturés",
        contacts: bool = True,
        **fields: Any,
    ) -> Person:
        n = next(_serial)
        person = Person.objects.create(
            first_name=first_name, last_name=last_name or f"Martin{n}", **fields
        )
        Affiliation.objects.create(
            person=person, school=School.objects.get(code=school), track=track, year=year
        )
        org = Organisation.objects.create(name=f"Entreprise {n}", kind="company")
        Position.objects.create(
            person=person, organisation=org, title="Ingénieure R&D", start=date(year + 1, 1, 1)
        )
        if thesis:
            lab = Organisation.objects.create(name=f"Laboratoire {n}", kind="lab")
            funder = Organisation.objects.create(name=f"Agence {n}", kind="agency")
            t = Thesis.objects.create(person=person, title=thesis, defence_year=year, lab=lab)
            ThesisAdvisor.objects.create(thesis=t, name="Paul Directeur")
            ThesisFunding.objects.create(thesis=t, funder=funder, kind="anr")
        if contacts:
            ContactPoint.objects.create(
                person=person, kind="email", value=f"personne{n}@example.org"
            )
            ContactPoint.objects.create(person=person, kind="phone", value=f"+3361234{n:04d}")
        return person

    return make


@pytest.fixture
def make_user(db: None) -> Any:
    """Make an account with a role, optionally linked to a person; the password is PASSWORD."""

    def make(role: str = Role.MEMBER, *, person: Person | None = None, email: str = "") -> User:
        email = email or f"compte{next(_serial)}@example.org"
        return User.objects.create_user(email, PASSWORD, role=role, person=person)

    return make


# -- signed-in accounts -------------------------------------------------------------------


@pytest.fixture
def member(make_user: Any, make_person: Any) -> User:
    return make_user(Role.MEMBER, person=make_person())


@pytest.fixture
def staff(make_user: Any) -> User:
    return make_user(Role.STAFF)


@pytest.fixture
def member_client(member: User) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def staff_client(staff: User) -> Client:
    client = Client()
    client.force_login(staff)
    return client
