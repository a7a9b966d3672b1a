"""Writes on the directory: each one transaction, each one audit-log row."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import ngettext

from filon.accounts.models import User
from filon.audit.actions import record
from filon.directory import gdpr
from filon.directory.models import (
    ContactPoint,
    ContactReveal,
    Person,
)
from filon.directory.privacy import (
    FIELD_GROUPS,
    can_erase,
    can_find,
    reveal_counts_towards_limit,
    viewer_for,
)
from filon.directory.queries import personal_data, reveals_today, visible_contacts

#: What an erased person is called from then on (stored data, hence not translated).
ERASED_NAME = gdpr.ERASED_NAME
ERASED_TEXT = gdpr.ERASED_TEXT

#: The person fields a member edits on their profile.
PROFILE_FIELDS = ("first_name", "last_name", "headline", "bio", "city", "country")


class NotAllowed(Exception):
    """The viewer may not do this to this person (the views answer 404, the API 404)."""


class RevealLimitReached(Exception):
    """The member already revealed ``limit`` people's contact details today."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"daily reveal limit reached ({limit})")
        self.limit = limit

    @property
    def message(self) -> str:
        """What the member reads, naming the limit."""
        return ngettext(
            "Vous avez atteint la limite de %(limit)d consultation de coordonnées par jour. "
            "Rien n'a été affiché ; vous pourrez recommencer demain.",
            "Vous avez atteint la limite de %(limit)d consultations de coordonnées par jour. "
            "Rien n'a été affiché ; vous pourrez recommencer demain.",
            self.limit,
        ) % {"limit": self.limit}


def reveal_contacts(
    viewer_user: Any, person: Person, *, ip: str | None = None
) -> list[ContactPoint]:
    """Show ``person``'s contact points that the viewer may see, and log that they did.

    Each reveal of someone else's details counts towards ``settings.REVEALS_PER_DAY``; the
    count is read under a lock on the viewer's account row, so that concurrent requests in
    several processes cannot go past the limit (on SQLite, transactions are IMMEDIATE and
    serialise writers anyway). Past the limit nothing is revealed and the refusal is logged.
    """
    viewer = viewer_for(viewer_user)
    if not can_find(viewer, person):
        raise NotAllowed
    if not reveal_counts_towards_limit(viewer, person):
        return visible_contacts(viewer, person)
    limit = settings.REVEALS_PER_DAY
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=viewer_user.pk).values_list("pk"))
        if reveals_today(viewer_user.pk) >= limit:
            record("contact.reveal_refused", actor=viewer_user, target=person, limit=limit)
            refused = True
        else:
            contacts = visible_contacts(viewer, person)
            ContactReveal.objects.create(viewer=viewer_user, person=person, ip=ip)
            record(
                "contact.reveal",
                actor=viewer_user,
                target=person,
                kinds=sorted({c.kind for c in contacts}),
                count=len(contacts),
            )
            refused = False
    if refused:
        raise RevealLimitReached(limit)
    return contacts


def update_profile(
    actor: Any,
    person: Person,
    *,
    fields: dict[str, Any],
    visibility: dict[str, str],
    directory_opt_out: bool,
    intermediary_opt_out: bool,
    contacts_to_save: list[ContactPoint],
    contacts_to_delete: list[ContactPoint],
) -> Person:
    """Save a member's own edits: identity, field visibility, opt-outs and contact points.

    The audit row names what changed, not the values (they are personal data).
    """
    changed = [name for name in PROFILE_FIELDS if getattr(person, name) != fields[name]]
    new_visibility = {g: visibility[g] for g in FIELD_GROUPS if g in visibility}
    if new_visibility != (person.field_visibility or {}):
        changed.append("field_visibility")
    for name, value in (
        ("directory_opt_out", directory_opt_out),
        ("intermediary_opt_out", intermediary_opt_out),
    ):
        if getattr(person, name) != value:
            changed.append(name)
    with transaction.atomic():
        for name in PROFILE_FIELDS:
            setattr(person, name, fields[name])
        person.field_visibility = new_visibility
        person.directory_opt_out = directory_opt_out
        person.intermediary_opt_out = intermediary_opt_out
        person.save()
        removed = 0
        for contact in contacts_to_delete:
            if contact.pk is not None and contact.person_id == person.pk:
                contact.delete()
                removed += 1
        added = sum(1 for c in contacts_to_save if c.pk is None)
        for contact in contacts_to_save:
            contact.person = person
            contact.save()
        record(
            "profile.update",
            actor=actor,
            target=person,
            fields=changed,
            contacts_added=added,
            contacts_changed=len(contacts_to_save) - added,
            contacts_removed=removed,
        )
    return person


def export_personal_data(user: Any) -> dict[str, Any]:
    """Everything Filon holds about ``user`` (GDPR access right), with the export logged."""
    with transaction.atomic():
        data = personal_data(user)
        record(
            "gdpr.export",
            actor=user,
            target=user.person if user.person_id else user,
        )
    return data


def erase_person(actor: Any, person: Person) -> Person:
    """Erase a person's personal data (GDPR), keeping the facts the association counts.

    Every app's part of :mod:`filon.directory.gdpr` runs in one transaction: each deletes or
    blanks what it holds and says what it keeps (the anonymised person row, diplomas, dues,
    ties now pointing to an anonymous person). Free text elsewhere (audit details, import
    reports, the outbox) loses the person's names, e-mails and phones. The linked account is
    deactivated, its e-mail replaced by a placeholder and its password made unusable.
    """
    if not can_erase(viewer_for(actor), person):
        raise NotAllowed
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        account = User.objects.filter(person=person).first()
        subject = gdpr.Subject(account, person)
        subject.strings = gdpr.identifying_strings(subject)
        done = gdpr.erase(subject)
        record(
            "gdpr.erase",
            actor=actor,
            target=subject.person,
            account_id=account.pk if account is not None else None,
            parts={k: v for k, v in done.items() if v},
        )
    assert subject.person is not None
    erased: Person = subject.person
    return erased
