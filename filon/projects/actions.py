"""Writes on a member's project: one transaction and one audit row each.

Every action takes the acting user and checks, through :mod:`filon.projects.queries`, that
what it changes belongs to them. Audit rows name what changed, never the notes' text.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from filon.audit.actions import record
from filon.directory.models import Person
from filon.directory.privacy import viewer_for
from filon.orgs.models import Organisation
from filon.projects import queries
from filon.projects.models import (
    BLOCKS,
    Commitment,
    Competence,
    Desire,
    Hypothesis,
    Meeting,
    Note,
    Referral,
    Scenario,
    Verdict,
)

SCENARIO_FIELDS = (
    "title", "one_liner", "offer_type", "expertise_link", "distance", "segment", "buyer_role",
    "nace_codes", "problem", "current_solution", "price_model", "price_min", "price_max",
    "price_today", "money_note", "parked",
)  # fmt: skip


def _owner(user: Any) -> int:
    return queries.owner_id(viewer_for(user))


def add_competence(
    user: Any, statement: str, *, evidence: str = "", blocks: Iterable[int] = (),
    rome_codes: Iterable[str] = (), esco_uris: Iterable[str] = (),
) -> Competence:  # fmt: skip
    pid = _owner(user)
    with transaction.atomic():
        c = Competence.objects.create(
            person_id=pid,
            statement=statement,
            evidence=evidence,
            blocks=sorted({int(b) for b in blocks if int(b) in BLOCKS}),
            rome_codes=list(rome_codes),
            esco_uris=list(esco_uris),
        )
        record("projects.competence.add", actor=user, target=c)
    return c


def add_desire(user: Any, kind: str, text: str, weight: int = 3) -> Desire:
    pid = _owner(user)
    with transaction.atomic():
        d = Desire.objects.create(
            person_id=pid, kind=kind, text=text, weight=max(1, min(5, weight))
        )
        record("projects.desire.add", actor=user, target=d)
    return d


def save_scenario(
    user: Any,
    values: Mapping[str, Any],
    *,
    scenario: Scenario | None = None,
    buyers: Iterable[Organisation] | None = None,
    funders: Iterable[Organisation] | None = None,
) -> Scenario:
    """Create a scenario, or change one of the user's own."""
    pid = _owner(user)
    with transaction.atomic():
        if scenario is None:
            scenario = Scenario(person_id=pid)
            verb = "create"
        elif scenario.person_id != pid:
            raise queries.NotFound
        else:
            verb = "update"
        for key in SCENARIO_FIELDS:
            if key in values:
                setattr(scenario, key, values[key])
        scenario.save()
        if buyers is not None:
            scenario.buyer_organisations.set(list(buyers))
        if funders is not None:
            scenario.funders.set(list(funders))
        record(f"projects.scenario.{verb}", actor=user, target=scenario)
    return scenario


def add_hypothesis(
    user: Any, scenario: Scenario, dimension: str, statement: str, criterion: str = "",
    criticality: int = 3,
) -> Hypothesis:  # fmt: skip
    if scenario.person_id != _owner(user):
        raise queries.NotFound
    with transaction.atomic():
        h = Hypothesis.objects.create(
            scenario=scenario,
            dimension=dimension,
            statement=statement,
            criterion=criterion,
            criticality=max(1, min(5, criticality)),
        )
        record("projects.hypothesis.add", actor=user, target=h, scenario=scenario.pk)
    return h


@dataclass
class MeetingInput:
    contact_name: str
    date: datetime.date
    format: str = "video"
    organisation: str = ""
    contact: Person | None = None
    scenarios: Sequence[Scenario] = ()
    goals: str = ""
    notes: Sequence[tuple[str, str]] = ()  # (kind, text)
    commitments: Sequence[tuple[str, str]] = ()  # (kind, detail)
    verdicts: Sequence[
        tuple[Hypothesis, str, int, str]
    ] = ()  # (hypothesis, effect, strength, quote)
    referrals: Sequence[tuple[str, str, Person | None]] = ()  # (name, organisation, person)
    next_step: str = ""
    next_step_date: datetime.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def log_meeting(user: Any, data: MeetingInput) -> Meeting:
    """Log a meeting with its notes, commitments, verdicts and referrals, all at once."""
    pid = _owner(user)
    if any(s.person_id != pid for s in data.scenarios) or any(
        h.scenario.person_id != pid for h, *_rest in data.verdicts
    ):
        raise queries.NotFound
    with transaction.atomic():
        m = Meeting.objects.create(
            person_id=pid,
            contact=data.contact,
            contact_name=data.contact_name,
            organisation=data.organisation,
            date=data.date,
            format=data.format,
            goals=data.goals,
            next_step=data.next_step,
            next_step_date=data.next_step_date,
        )
        scenarios = {s.pk: s for s in data.scenarios}
        for h, *_rest in data.verdicts:
            scenarios.setdefault(h.scenario_id, h.scenario)
        m.scenarios.set(list(scenarios.values()))
        Note.objects.bulk_create(
            [Note(meeting=m, kind=k, text=t) for k, t in data.notes if t.strip()]
        )
        Commitment.objects.bulk_create(
            [Commitment(meeting=m, kind=k, detail=d) for k, d in data.commitments if k]
        )
        Verdict.objects.bulk_create(
            [
                Verdict(meeting=m, hypothesis=h, effect=e, strength=max(1, min(3, s)), quote=q)
                for h, e, s, q in data.verdicts
            ]
        )
        Referral.objects.bulk_create(
            [
                Referral(meeting=m, name=n, organisation=o, contact=p)
                for n, o, p in data.referrals
                if n.strip()
            ]
        )
        record(
            "projects.meeting.log",
            actor=user,
            target=m,
            notes=len(data.notes),
            verdicts=len(data.verdicts),
            referrals=len(data.referrals),
        )
    return m


def follow_up_done(user: Any, meeting: Meeting) -> Meeting:
    if meeting.person_id != _owner(user):
        raise queries.NotFound
    with transaction.atomic():
        meeting.next_step_done = True
        meeting.save(update_fields=["next_step_done"])
        record("projects.meeting.follow_up_done", actor=user, target=meeting)
    return meeting


def _check(owned: bool) -> None:
    if not owned:
        raise queries.NotFound


def update_meeting(user: Any, meeting: Meeting, data: MeetingInput) -> Meeting:
    """Change a meeting: its fields, and its notes, commitments, verdicts and referrals replaced.

    Hypothesis states are computed from the meetings, so they follow at the next read.
    """
    pid = _owner(user)
    _check(
        meeting.person_id == pid
        and all(s.person_id == pid for s in data.scenarios)
        and all(h.scenario.person_id == pid for h, *_rest in data.verdicts)
    )
    with transaction.atomic():
        for key in ("contact", "contact_name", "organisation", "date", "format", "goals"):
            setattr(meeting, key, getattr(data, key))
        if (meeting.next_step, meeting.next_step_date) != (data.next_step, data.next_step_date):
            meeting.next_step_done = False
        meeting.next_step, meeting.next_step_date = data.next_step, data.next_step_date
        meeting.save()
        scenarios = {s.pk: s for s in meeting.scenarios.all()}
        scenarios.update({s.pk: s for s in data.scenarios})
        for h, *_rest in data.verdicts:
            scenarios.setdefault(h.scenario_id, h.scenario)
        meeting.scenarios.set(list(scenarios.values()))
        meeting.notes.all().delete()
        meeting.commitments.all().delete()
        meeting.verdicts.all().delete()
        meeting.referrals.all().delete()
        Note.objects.bulk_create(
            [Note(meeting=meeting, kind=k, text=t) for k, t in data.notes if t.strip()]
        )
        Commitment.objects.bulk_create(
            [Commitment(meeting=meeting, kind=k, detail=d) for k, d in data.commitments if k]
        )
        Verdict.objects.bulk_create(
            [
                Verdict(meeting=meeting, hypothesis=h, effect=e, strength=max(1, min(3, s)),
                        quote=q)
                for h, e, s, q in data.verdicts
            ]
        )  # fmt: skip
        Referral.objects.bulk_create(
            [
                Referral(meeting=meeting, name=n, organisation=o, contact=p)
                for n, o, p in data.referrals
                if n.strip()
            ]
        )
        record(
            "projects.meeting.update",
            actor=user,
            target=meeting,
            notes=len(data.notes),
            verdicts=len(data.verdicts),
            referrals=len(data.referrals),
        )
    return meeting


def delete_meeting(user: Any, meeting: Meeting) -> None:
    """Delete a meeting with its notes, commitments, verdicts and referrals."""
    _check(meeting.person_id == _owner(user))
    with transaction.atomic():
        record("projects.meeting.delete", actor=user, target=meeting)
        meeting.delete()


HYPOTHESIS_FIELDS = ("dimension", "statement", "criterion", "criticality")


def update_hypothesis(user: Any, hypothesis: Hypothesis, values: Mapping[str, Any]) -> Hypothesis:
    _check(hypothesis.scenario.person_id == _owner(user))
    with transaction.atomic():
        for key in HYPOTHESIS_FIELDS:
            if key in values:
                setattr(hypothesis, key, values[key])
        hypothesis.criticality = max(1, min(5, int(hypothesis.criticality)))
        hypothesis.save()
        record("projects.hypothesis.update", actor=user, target=hypothesis)
    return hypothesis


def delete_hypothesis(user: Any, hypothesis: Hypothesis) -> None:
    """Delete a hypothesis and the verdicts given on it (the meetings stay)."""
    _check(hypothesis.scenario.person_id == _owner(user))
    with transaction.atomic():
        record(
            "projects.hypothesis.delete",
            actor=user,
            target=hypothesis,
            scenario=hypothesis.scenario_id,
        )
        hypothesis.delete()


def update_competence(
    user: Any, competence: Competence, statement: str, *, evidence: str = "",
    blocks: Iterable[int] = (), rome_codes: Iterable[str] | None = None,
    esco_uris: Iterable[str] | None = None,
) -> Competence:  # fmt: skip
    """Change a competence; the ROME and ESCO codes stay as they are when given None."""
    _check(competence.person_id == _owner(user))
    with transaction.atomic():
        competence.statement = statement
        competence.evidence = evidence
        competence.blocks = sorted({int(b) for b in blocks if int(b) in BLOCKS})
        if rome_codes is not None:
            competence.rome_codes = list(rome_codes)
        if esco_uris is not None:
            competence.esco_uris = list(esco_uris)
        competence.save()
        record("projects.competence.update", actor=user, target=competence)
    return competence


def delete_competence(user: Any, competence: Competence) -> None:
    _check(competence.person_id == _owner(user))
    with transaction.atomic():
        record("projects.competence.delete", actor=user, target=competence)
        competence.delete()


def update_desire(user: Any, desire: Desire, kind: str, text: str, weight: int = 3) -> Desire:
    _check(desire.person_id == _owner(user))
    with transaction.atomic():
        desire.kind, desire.text, desire.weight = kind, text, max(1, min(5, weight))
        desire.save()
        record("projects.desire.update", actor=user, target=desire)
    return desire


def delete_desire(user: Any, desire: Desire) -> None:
    _check(desire.person_id == _owner(user))
    with transaction.atomic():
        record("projects.desire.delete", actor=user, target=desire)
        desire.delete()


def delete_scenario(user: Any, scenario: Scenario) -> str:
    """Delete a scenario, or archive it (set aside) when meetings were logged for it.

    The meetings are notes on real people and evidence for other scenarios: they are kept, and
    so is the scenario they tested. Returns "deleted" or "archived".
    """
    _check(scenario.person_id == _owner(user))
    with transaction.atomic():
        if scenario.meetings.exists():
            scenario.parked = True
            scenario.save(update_fields=["parked", "updated_at"])
            record("projects.scenario.archive", actor=user, target=scenario)
            return "archived"
        record("projects.scenario.delete", actor=user, target=scenario)
        scenario.delete()
    return "deleted"
