"""Merging two people keeps everything of both: positions, ties, dues, contacts, theses, logs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from filon.accounts.models import Role
from filon.association.models import DuesPayment
from filon.audit.actions import record
from filon.audit.models import AuditEntry
from filon.directory.models import ContactPoint, ContactReveal, Person, Skill
from filon.imports.actions import MergeRefused, keep_separate, merge_people
from filon.imports.models import MatchCandidate, MatchStatus
from filon.network.models import Group, GroupMembership, Tie
from tests.imports.conftest import run

pytestmark = pytest.mark.django_db


def test_merging_keeps_everything_of_both(make_person: Any, make_user: Any, staff: Any) -> None:
    keep = make_person("Claire", "Dumas", year=2019)
    drop = make_person("Claire", "Dumas-Martin", year=2019, thesis="Séries temporelles Sentinel-2")
    friend = make_person("Paul", "Ami", thesis=None)
    keep_email = keep.contact_points.get(kind="email").value
    drop.contact_points.create(kind="email", value=keep_email)  # the same address twice
    Tie.objects.create(source_person=drop, target_person=friend, kind="colleague")
    Tie.objects.create(source_person=friend, target_person=drop, kind="mentor")
    Tie.objects.create(
        source_person=keep, target_person=drop, kind="declared"
    )  # becomes a self-tie
    DuesPayment.objects.create(person=keep, year=2020, amount=Decimal(30), paid_on=date(2020, 1, 5))
    DuesPayment.objects.create(person=drop, year=2021, amount=Decimal(30), paid_on=date(2021, 1, 5))
    group = Group.objects.create(name="Club Espace", kind="club")
    GroupMembership.objects.create(group=group, person=drop)
    drop.skills.add(Skill.objects.create(name="Télédétection"))
    viewer = make_user(Role.MEMBER, person=friend)
    ContactReveal.objects.create(viewer=viewer, person=drop)
    record("profile.update", actor=None, target=drop, fields=["city"])
    drop_positions = set(drop.positions.values_list("pk", flat=True))
    drop_theses = set(drop.theses.values_list("pk", flat=True))

    merge_people(staff, keep, drop)

    assert not Person.objects.filter(pk=drop.pk).exists()
    keep.refresh_from_db()
    assert drop_positions <= set(keep.positions.values_list("pk", flat=True))
    assert keep.positions.count() == 2
    assert drop_theses <= set(keep.theses.values_list("pk", flat=True))
    assert keep.theses.count() == 2
    assert sorted(keep.dues_payments.values_list("year", flat=True)) == [2020, 2021]
    assert set(Tie.objects.filter(target_person=friend).values_list("source_person", "kind")) == {
        (keep.pk, "colleague")
    }
    assert Tie.objects.filter(source_person=friend, target_person=keep, kind="mentor").exists()
    assert not Tie.objects.filter(source_person=keep, target_person=keep).exists()
    assert keep.group_memberships.get().group == group
    assert list(keep.skills.values_list("name", flat=True)) == ["Télédétection"]
    assert ContactReveal.objects.get(viewer=viewer).person == keep
    assert ContactPoint.objects.filter(person=keep, value=keep_email).count() == 1
    assert keep.contact_points.count() == 4  # an e-mail and a phone of each; the twin once
    assert AuditEntry.objects.filter(
        action="profile.update", target_type="directory.person", target_id=str(keep.pk)
    ).exists()
    entry = AuditEntry.objects.get(action="person.merge")
    assert entry.actor == staff and entry.details["dropped"]["id"] == drop.pk


def test_merging_two_people_with_accounts_is_refused(make_person: Any, make_user: Any) -> None:
    a, b = make_person("Anne"), make_person("Anne")
    make_user(Role.MEMBER, person=a)
    make_user(Role.MEMBER, person=b)
    with pytest.raises(MergeRefused):
        merge_people(None, a, b)
    assert Person.objects.filter(pk__in=[a.pk, b.pk]).count() == 2


def test_the_account_moves_to_the_kept_person(make_person: Any, make_user: Any) -> None:
    a, b = make_person("Anne"), make_person("Anne")
    user = make_user(Role.MEMBER, person=b)
    merge_people(None, a, b)
    user.refresh_from_db()
    assert user.person == a


def test_provenance_follows_the_merge_and_reimport_finds_the_kept_person(
    make_person: Any, counts: Any
) -> None:
    existing = make_person("Jean", "Dupont", school="P", year=1990, track="ingenieur_civil")
    text = "Nom;Prénom;Promo;Filière;Email\nDupond;Jean;P90;Ingénieur civil;jd@example.org\n"
    run("annuaire", text.encode())
    candidate = MatchCandidate.objects.get()
    merge_people(None, candidate.existing, candidate.incoming)
    assert not MatchCandidate.objects.exists()
    assert existing.contact_points.filter(value="jd@example.org").exists()
    assert existing.provenance.filter(record_key__startswith="annuaire:").exists()
    before = counts()
    report = run("annuaire", text.encode())
    assert [i.status for i in report.items] == ["unchanged"]
    assert counts()["directory.Person"] == before["directory.Person"]


def test_keeping_two_people_apart_is_remembered(make_person: Any) -> None:
    make_person("Jean", "Dupont", school="P", year=1990, track="ingenieur_civil")
    text = "Nom;Prénom;Promo;Filière;Email\nDupond;Jean;P90;Ingénieur civil;jd@example.org\n"
    run("annuaire", text.encode())
    candidate = MatchCandidate.objects.get()
    keep_separate(None, candidate)
    candidate.refresh_from_db()
    assert candidate.status == MatchStatus.SEPARATE
    assert Person.objects.count() == 2
