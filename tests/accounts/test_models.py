"""Accounts: the role decides Django's flags; the e-mail is the login."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from filon.accounts.models import Role, User


@pytest.mark.parametrize(
    ("role", "is_staff", "is_superuser"),
    [(Role.MEMBER, False, False), (Role.STAFF, True, False), (Role.ADMIN, True, True)],
)
def test_role_drives_staff_and_superuser_flags(
    db: None, role: str, is_staff: bool, is_superuser: bool
) -> None:
    user = User.objects.create_user(f"{role}@example.org", "x", role=role)
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (is_staff, is_superuser)
    assert user.is_association_staff is is_staff


def test_role_overrides_flags_set_by_hand(db: None) -> None:
    user = User.objects.create_user("m@example.org", "x", is_staff=True, is_superuser=True)
    assert (user.is_staff, user.is_superuser) == (False, False)
    user.role = Role.ADMIN
    user.save()
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (True, True)
    user.role = Role.MEMBER
    user.save()
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)


def test_create_superuser_is_an_admin(db: None) -> None:
    user = User.objects.create_superuser("root@example.org", "x")
    assert user.role == Role.ADMIN
    assert user.is_superuser


def test_create_user_lower_cases_the_email(db: None) -> None:
    user = User.objects.create_user("Jean.Dupont@EXAMPLE.Org", "x")
    assert user.email == "jean.dupont@example.org"
    assert User.objects.get(email="jean.dupont@example.org") == user


def test_create_user_requires_an_email(db: None) -> None:
    with pytest.raises(ValueError):
        User.objects.create_user("", "x")


def test_email_is_unique(db: None) -> None:
    User.objects.create_user("jean@example.org", "x")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("JEAN@example.org", "y")
    assert User.objects.count() == 1
