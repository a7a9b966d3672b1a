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
