"""The project part of a member's personal data (GDPR): export and erasure, registered with
:mod:`filon.directory.gdpr` (run inside the caller's transaction)."""

from __future__ import annotations

from typing import Any

from filon.directory.gdpr import Part, Subject, register
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


def _export(subject: Subject) -> dict[str, Any] | None:
    return personal_data(subject.person) if subject.person is not None else None


def _erase(subject: Subject) -> None:
    if subject.person is not None:
        erase(subject.person)


register(
    Part(
        key="project",
        models=(
            "projects.Competence",
            "projects.Desire",
            "projects.Scenario",
            "projects.Meeting",
            "projects.Referral",
        ),
        export=_export,
        erase=_erase,
        kept="Les rencontres notées par d'autres membres, sans son nom.",
    )
)
