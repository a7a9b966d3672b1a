"""The project part of a member's personal data (GDPR): export and erasure. Called by
:func:`filon.directory.queries.personal_data` and :func:`filon.directory.actions.erase_person`
inside their transaction."""

from __future__ import annotations

from typing import Any

from filon.directory.models import Person
from filon.projects import queries
from filon.projects.models import Competence, Desire, Meeting, Referral, Scenario


def personal_data(person: Person) -> dict[str, Any]:
    return queries.personal_data(person)


def erase(person: Person) -> None:
    """Delete the member's whole project; others' meetings keep the meeting, not the link."""
    Meeting.objects.filter(person=person).delete()  # notes, verdicts, referrals cascade
    Scenario.objects.filter(person=person).delete()
    Competence.objects.filter(person=person).delete()
    Desire.objects.filter(person=person).delete()
    # Someone else met or was recommended this person: keep their notes, drop the name.
    Meeting.objects.filter(contact=person).update(contact=None, contact_name="[effacé]")
    Referral.objects.filter(contact=person).update(contact=None, name="[effacé]")
