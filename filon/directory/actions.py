"""Writes on the directory: each one transaction, each one audit-log row."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import ngettext

from filon.accounts.models import ApiToken, User
from filon.audit.actions import record
from filon.audit.models import AuditEntry
from filon.directory.models import (
    ContactKind,
    ContactPoint,
    ContactReveal,
    Person,
    ThesisAdvisor,
)
from filon.directory.privacy import (
    FIELD_GROUPS,
    can_erase,
    can_find,
    reveal_counts_towards_limit,
    viewer_for,
)
from filon.directory.queries import personal_data, reveals_today, visible_contacts
from filon.outreach.gdpr import erase as erase_outreach
from filon.projects.gdpr import erase as erase_project

#: What an erased person is called from then on (stored data, hence not translated).
ERASED_NAME = ("Personne", "effacée")
ERASED_TEXT = "[effacé]"

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

    Kept: the person row (anonymised), affiliations (school, track, year), dues payments and
    ties (now pointing to an anonymous person). Deleted: contact points, positions, theses,
    skills, group memberships, contact reveals (of them and by them). The audit log keeps its
    rows but loses the person's name, e-mails and phones. The linked account is deactivated,
    its e-mail replaced by a placeholder and its password made unusable.
    """
    if not can_erase(viewer_for(actor), person):
        raise NotAllowed
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        account = User.objects.filter(person=person).first()
        secrets_to_scrub = _identifying_strings(person, account)

        person.contact_points.all().delete()
        person.positions.all().delete()
        person.theses.all().delete()
        person.skills.clear()
        person.group_memberships.all().delete()
        erase_outreach(person)  # asks, offers, messages and introductions (filon.outreach)
        erase_project(person)  # competences, desires, scenarios, meetings (filon.projects)
        ContactReveal.objects.filter(person=person).delete()
        ThesisAdvisor.objects.filter(person=person).update(name=" ".join(ERASED_NAME))

        person.first_name, person.last_name = ERASED_NAME
        person.headline = person.bio = person.city = ""
        person.field_visibility = {}
        person.directory_opt_out = True
        person.intermediary_opt_out = True
        person.save()

        if account is not None:
            ContactReveal.objects.filter(viewer=account).delete()
            ApiToken.objects.filter(user=account).delete()
            account.email = f"efface-{account.pk}-{secrets.token_hex(4)}@efface.invalid"
            account.first_name = account.last_name = ""
            account.is_active = False
            account.set_unusable_password()
            account.save()

        scrubbed = _scrub_audit_log(secrets_to_scrub)
        record(
            "gdpr.erase",
            actor=actor,
            target=person,
            account_id=account.pk if account is not None else None,
            audit_entries_scrubbed=scrubbed,
        )
    return person


def _identifying_strings(person: Person, account: User | None) -> list[str]:
    """The person's names, e-mails and phones as they may appear in audit details."""
    found = {person.full_name, f"{person.last_name} {person.first_name}".strip()}
    for contact in person.contact_points.all():
        found.add(contact.value)
        if contact.kind == ContactKind.PHONE:
            found.add(contact.display)
    if account is not None:
        found.add(account.email)
        found.add(account.get_full_name())
    # Too short to be identifying, and would blank out unrelated words.
    return sorted((s for s in found if len(s.strip()) >= 4), key=len, reverse=True)


def _scrub_audit_log(strings: list[str]) -> int:
    """Replace ``strings`` wherever they occur in audit details; return how many rows changed."""
    if not strings:
        return 0
    # JSON on SQLite escapes non-ASCII characters: look for both spellings.
    needles = {s for text in strings for s in (text, json.dumps(text)[1:-1])}
    match = Q()
    for needle in needles:
        match |= Q(details_text__icontains=needle)
    entries = AuditEntry.objects.annotate(details_text=Cast("details", TextField())).filter(match)
    changed = 0
    for entry in entries:
        cleaned = _scrub(entry.details, strings)
        if cleaned != entry.details:
            AuditEntry.objects.filter(pk=entry.pk).update(details=cleaned)
            changed += 1
    return changed


def _scrub(value: Any, strings: list[str]) -> Any:
    if isinstance(value, dict):
        return {k: _scrub(v, strings) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, strings) for v in value]
    if isinstance(value, str):
        folded = value.casefold()
        if any(s.casefold() in folded for s in strings):
            return ERASED_TEXT
    return value
