"""The demo's accounts beyond the three personas: some members « actif », some « invité »,
one « adresse en échec », one « désactivé », most never invited, so that the staff's
« Comptes » page shows every state.

Deterministic (every n-th person of the directory, in order), cheap at 30,000 people: one
password hash for all the active ones (of a random secret nobody knows), written in bulk.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from filon.accounts.models import User, normal_email
from filon.audit.actions import record
from filon.directory.models import ContactKind, ContactPoint

#: One person in ACTIVE_EVERY has an active account, one in INVITED_EVERY an invitation.
ACTIVE_EVERY = 40
INVITED_EVERY = 15


def load_demo_accounts(person_ids: list[int], taken_person_ids: set[int]) -> dict[str, int]:
    """Create the demo's member accounts; ``taken_person_ids`` already have one (personas)."""
    emails: dict[int, str] = {}
    for person_id, value in (
        ContactPoint.objects.filter(kind=ContactKind.EMAIL)
        .order_by("person_id", "-is_primary", "pk")
        .values_list("person_id", "value")
    ):
        emails.setdefault(person_id, normal_email(value))
    taken = set(User.objects.values_list("email", flat=True))
    now = timezone.now()
    secret_hash = make_password(secrets.token_urlsafe(24))
    users: list[User] = []
    counts = {"active": 0, "invited": 0, "failed": 0, "disabled": 0}
    for i, person_id in enumerate(person_ids):
        email = emails.get(person_id)
        if person_id in taken_person_ids or not email or email in taken:
            continue
        if i % ACTIVE_EVERY == 7:
            state = "disabled" if counts["disabled"] == 0 and counts["active"] > 0 else "active"
            users.append(
                User(
                    email=email,
                    person_id=person_id,
                    password=secret_hash,
                    invited_at=now - timedelta(days=40 + i % 30),
                    last_login=now - timedelta(days=i % 20),
                    is_active=state != "disabled",
                )
            )
        elif i % INVITED_EVERY == 3:
            state = "failed" if counts["failed"] == 0 and counts["invited"] > 0 else "invited"
            users.append(
                User(
                    email=email,
                    person_id=person_id,
                    password=make_password(None),
                    invited_at=now - timedelta(days=i % 25),
                    email_failed_at=now - timedelta(days=1) if state == "failed" else None,
                )
            )
        else:
            continue
        taken.add(email)
        counts[state] += 1
    User.objects.bulk_create(users, batch_size=2000)
    record(
        "demo.accounts",
        active=counts["active"],
        invited=counts["invited"],
        failed=counts["failed"],
        disabled=counts["disabled"],
    )
    return counts
