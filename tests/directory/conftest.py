"""The standing cast of the privacy tests: an owner and everyone who may look at their profile.

- ``owner``: Hélène Durand, whose profile is looked at (city, bio, positions, thesis, skills,
  and three contact points: an e-mail for members, a mobile for paying members, a private
  e-mail);
- ``member``: a signed-in member who has not paid dues;
- ``paying``: a signed-in member with dues paid for the current year;
- ``staff``: the association's staff (no directory entry);
- ``outsider``: nobody signed in.

Only one fixture name (``cast``) is added, so that the other directory tests keep theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from filon.accounts.models import Role, User
from filon.association.models import DuesPayment
from filon.directory.models import ContactPoint, Person, Position, Skill
from filon.orgs.models import Organisation

ROLES = ("owner", "member", "paying", "staff", "outsider")

#: What each field group shows on Hélène's profile, to look for in pages and API answers.
MARKERS = {
    "city": "Grenoble",
    "bio": "Spécialiste des alliages légers",
    "positions": "Forges de Niaux",
    "thesis": "Modélisation des réservoirs fracturés",
    "skills": "Métallurgie des poudres",
}

EMAIL_MEMBERS = "helene.durand@example.org"
PHONE_PAYING = "+33612345678"
PHONE_PAYING_DISPLAY = "06 12 34 56 78"
EMAIL_PRIVATE = "helene.secrete@example.org"


@dataclass
class Cast:
    owner: User
    member: User
    paying: User
    staff: User
    clients: dict[str, Client] = field(default_factory=dict)

    @property
    def person(self) -> Person:
        assert self.owner.person is not None
        return self.owner.person

    def client(self, role: str) -> Client:
        return self.clients[role]

    def user(self, role: str) -> User | None:
        return getattr(self, role) if role != "outsider" else None

    def set_visibility(self, **groups: str) -> None:
        person = Person.objects.get(pk=self.person.pk)
        person.field_visibility = {**person.field_visibility, **groups}
        person.save()


def signed_in(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def cast(make_person: Any, make_user: Any) -> Cast:
    helene = make_person(
        "Hélène",
        "Durand",
        contacts=False,
        city="Grenoble",
        bio="Spécialiste des alliages légers.",
        headline="Docteure en mécanique des matériaux",
    )
    forges = Organisation.objects.create(name="Forges de Niaux", kind="company")
    Position.objects.create(
        person=helene, organisation=forges, title="Directrice des essais", start=date(2021, 3, 1)
    )
    helene.skills.add(Skill.objects.create(name="Métallurgie des poudres"))
    ContactPoint.objects.create(
        person=helene, kind="email", value=EMAIL_MEMBERS, visibility="members", is_primary=True
    )
    ContactPoint.objects.create(
        person=helene, kind="phone", value=PHONE_PAYING, label="mobile", visibility="paying"
    )
    ContactPoint.objects.create(
        person=helene, kind="email", value=EMAIL_PRIVATE, visibility="private"
    )
    owner = make_user(Role.MEMBER, person=helene, email="helene@example.org")
    member = make_user(Role.MEMBER, person=make_person("Marc", "Membre"))
    paying = make_user(Role.MEMBER, person=make_person("Paule", "Cotisante"))
    DuesPayment.objects.create(
        person=paying.person,
        year=date.today().year,
        amount=Decimal("60.00"),
        paid_on=date.today(),
    )
    staff = make_user(Role.STAFF, email="equipe@example.org")
    staff.first_name, staff.last_name = "Sophie", "Lambert"
    staff.save()
    cast = Cast(owner, member, paying, staff)
    cast.clients = {role: signed_in(cast.user(role)) for role in ROLES}
    return cast
