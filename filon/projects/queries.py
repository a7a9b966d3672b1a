"""Reading a member's project: every read checks that the viewer owns it.

Privacy choice: a member's competences, desires, scenarios and meetings are private to that
member — other members *and the association's staff* get a 404, as for something that does
not exist. They are career plans with notes on other people; running the association needs
none of it. The GDPR export and erasure reach them through :mod:`filon.projects.gdpr`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Prefetch

from filon.core import evidence
from filon.core.taxonomy import by_code
from filon.core.text import fold
from filon.directory.models import Person
from filon.directory.privacy import Viewer, as_person
from filon.projects.models import (
    BLOCKS,
    Competence,
    Desire,
    Hypothesis,
    Meeting,
    Referral,
    Scenario,
)


class NotFound(Exception):
    """No such thing, or it belongs to someone else."""


def rules() -> evidence.Rules:
    """The evidence rules, from settings.PROJECT_EVIDENCE_RULES (defaults otherwise)."""
    return evidence.Rules.from_mapping(getattr(settings, "PROJECT_EVIDENCE_RULES", None))


def owner_id(viewer: Viewer) -> int:
    """The person whose project the viewer may read: themself, never anyone else."""
    if not viewer.is_authenticated or viewer.person_id is None:
        raise NotFound
    return viewer.person_id


def scenario_for(viewer: Viewer, pk: int) -> Scenario:
    found = Scenario.objects.filter(pk=pk, person_id=owner_id(viewer)).first()
    if found is None:
        raise NotFound
    return found


def hypothesis_for(viewer: Viewer, pk: int) -> Hypothesis:
    found = (
        Hypothesis.objects.filter(pk=pk, scenario__person_id=owner_id(viewer))
        .select_related("scenario")
        .first()
    )
    if found is None:
        raise NotFound
    return found


def meeting_for(viewer: Viewer, pk: int) -> Meeting:
    found = Meeting.objects.filter(pk=pk, person_id=owner_id(viewer)).first()
    if found is None:
        raise NotFound
    return found


def _meetings(person_id: int) -> list[Meeting]:
    return list(
        Meeting.objects.filter(person_id=person_id).prefetch_related(
            "notes", "commitments", "verdicts", "referrals", "scenarios"
        )
    )


def _core_verdicts(meetings: list[Meeting]) -> dict[int, list[tuple[Meeting, evidence.Verdict]]]:
    out: dict[int, list[tuple[Meeting, evidence.Verdict]]] = defaultdict(list)
    for m in meetings:
        notes = frozenset(n.kind for n in m.notes.all())
        commits = [c.kind for c in m.commitments.all()]
        best = max(commits, key=evidence.COMMITMENTS.index, default="none")
        for v in m.verdicts.all():
            out[v.hypothesis_id].append(
                (
                    m,
                    evidence.Verdict(
                        v.effect,
                        v.strength,
                        fold(m.organisation or m.contact_name),
                        best,
                        notes,
                        m.pk,
                    ),
                )
            )
    return out


def assessments(
    scenarios: list[Scenario], meetings: list[Meeting]
) -> dict[int, evidence.Assessment]:
    """The state of every hypothesis of these scenarios."""
    by_hyp = _core_verdicts(meetings)
    r = rules()
    return {
        h.pk: evidence.assess([v for _m, v in by_hyp.get(h.pk, [])], h.dimension, r)
        for s in scenarios
        for h in s.hypotheses.all()
    }


def scenario_state(
    scenario: Scenario, found: dict[int, evidence.Assessment]
) -> evidence.ScenarioState:
    states: dict[str, list[str]] = defaultdict(list)
    for h in scenario.hypotheses.all():
        states[h.dimension].append(found[h.pk].state)
    return evidence.scenario_status(states, parked=scenario.parked)


def _scenarios(person_id: int) -> list[Scenario]:
    return list(
        Scenario.objects.filter(person_id=person_id).prefetch_related(
            Prefetch("hypotheses", queryset=Hypothesis.objects.order_by("dimension", "pk"))
        )
    )


def scenario_list(viewer: Viewer) -> list[dict[str, Any]]:
    """Each scenario with its status and confidence (CLI and API)."""
    pid = owner_id(viewer)
    scenarios = _scenarios(pid)
    found = assessments(scenarios, _meetings(pid))
    out = []
    for s in scenarios:
        st = scenario_state(s, found)
        out.append(
            {
                "id": s.pk,
                "title": s.title,
                "status": st.status,
                "confidence": st.confidence,
                "offer_type": s.offer_type,
                "hypotheses": s.hypotheses.count(),
            }
        )
    return out


def meeting_row(m: Meeting) -> dict[str, Any]:
    notes = list(m.notes.all())
    commits = list(m.commitments.all())
    flags = evidence.meeting_flags([n.kind for n in notes], [c.kind for c in commits], m.next_step)
    return {
        "meeting": m,
        "notes": notes,
        "commitments": commits,
        "verdicts": list(m.verdicts.all()),
        "referrals": list(m.referrals.all()),
        "flags": flags,
    }


def my_project(viewer: Viewer, *, today: date | None = None) -> dict[str, Any]:
    """The "Mon projet" page: competences, desires, scenarios with status, due follow-ups."""
    pid = owner_id(viewer)
    scenarios = _scenarios(pid)
    meetings = _meetings(pid)
    found = assessments(scenarios, meetings)
    competences = list(Competence.objects.filter(person_id=pid))
    return {
        "competences": [
            {
                "c": c,
                "blocks": [(b, BLOCKS.get(b, "")) for b in c.blocks],
                "taxonomy": [e for code in c.rome_codes + c.esco_uris if (e := by_code(code))],
            }
            for c in competences
        ],
        "desires": list(Desire.objects.filter(person_id=pid)),
        "scenarios": [(s, scenario_state(s, found)) for s in scenarios],
        "reminders": reminders(meetings, today or date.today()),
        "meetings": [meeting_row(m) for m in meetings[:10]],
    }


def reminders(meetings: list[Meeting], today: date) -> list[Meeting]:
    due = set(evidence.due([(m.pk, m.next_step_date, m.next_step_done) for m in meetings], today))
    return sorted((m for m in meetings if m.pk in due), key=lambda m: m.next_step_date or today)


def _person_key(contact_id: int | None, name: str) -> str:
    return f"p{contact_id}" if contact_id else "n:" + fold(name)


def chain(meetings: list[Meeting]) -> list[dict[str, Any]]:
    """The referral chain of these meetings, as rows with their parent and depth."""
    links = evidence.referral_chain(
        [(m.pk, _person_key(m.contact_id, m.contact_name), m.date) for m in meetings],
        [
            (r.meeting_id, _person_key(r.contact_id, r.name))
            for m in meetings
            for r in m.referrals.all()
        ],
    )
    by_id = {m.pk: m for m in meetings}
    return [
        {
            "meeting": by_id[link.meeting],
            "parent": by_id.get(link.parent) if link.parent else None,
            "depth": link.depth,
        }
        for link in links
    ]


def scenario_page(viewer: Viewer, pk: int, *, today: date | None = None) -> dict[str, Any]:
    """A scenario with its hypotheses and their evidence, meetings and referral chain."""
    scenario = scenario_for(viewer, pk)
    pid = scenario.person_id
    all_meetings = _meetings(pid)
    found = assessments([scenario], all_meetings)
    by_hyp = _core_verdicts(all_meetings)
    mine = [m for m in all_meetings if scenario in m.scenarios.all()]
    hypotheses: list[dict[str, Any]] = []
    for h in scenario.hypotheses.all():
        evidence_rows = []
        for m, v in by_hyp.get(h.pk, []):
            quote = next((x.quote for x in m.verdicts.all() if x.hypothesis_id == h.pk), "")
            evidence_rows.append({"meeting": m, "verdict": v, "quote": quote})
        hypotheses.append(
            {
                "h": h,
                "a": found[h.pk],
                "evidence": evidence_rows,
                "priority": evidence.priority(h.criticality, found[h.pk].state),
            }
        )
    # The most urgent to test first: criticality × lack of evidence.
    hypotheses.sort(key=lambda row: (-row["priority"], row["h"].pk))
    laid = chain(sorted(mine, key=lambda m: (m.date, m.pk)))
    where: dict[int, tuple[int, int]] = {}
    for i, row in enumerate(laid):
        row["x"], row["y"] = 20 + 170 * row["depth"], 20 + 28 * i
        where[row["meeting"].pk] = (row["x"], row["y"])
        if row["parent"] is not None:
            row["px"], row["py"] = where.get(row["parent"].pk, (row["x"], row["y"]))
    pending = Referral.objects.filter(meeting__in=mine).select_related("meeting")
    return {
        "scenario": scenario,
        "state": scenario_state(scenario, found),
        "hypotheses": hypotheses,
        "meetings": [meeting_row(m) for m in mine],
        "chain": laid,
        "chain_width": 40 + 170 * (max((r["depth"] for r in laid), default=0) + 1),
        "chain_height": 20 + 28 * len(laid),
        "referrals": list(pending),
        "buyers": list(scenario.buyer_organisations.all()),
        "funders": money_trail(scenario),
    }


def personal_data(person: Person) -> dict[str, Any]:
    """The project part of the GDPR export."""
    viewer = as_person(person.pk, with_dues=False)
    data = my_project(viewer)
    return {
        "competences": [
            {
                "statement": c["c"].statement,
                "evidence": c["c"].evidence,
                "blocks": c["c"].blocks,
                "rome": c["c"].rome_codes,
                "esco": c["c"].esco_uris,
            }
            for c in data["competences"]
        ],
        "desires": [{"kind": d.kind, "text": d.text, "weight": d.weight} for d in data["desires"]],
        "scenarios": [
            {
                "title": s.title,
                "offer": s.one_liner,
                "segment": s.segment,
                "problem": s.problem,
                "status": st.status,
                "hypotheses": [
                    {"dimension": h.dimension, "statement": h.statement, "criterion": h.criterion}
                    for h in s.hypotheses.all()
                ],
            }
            for s, st in data["scenarios"]
        ],
        "meetings": [
            {
                "date": m.date.isoformat(),
                "with": m.contact_name,
                "organisation": m.organisation,
                "format": m.format,
                "next_step": m.next_step,
                "notes": [{"kind": n.kind, "text": n.text} for n in m.notes.all()],
                "commitments": [{"kind": c.kind, "detail": c.detail} for c in m.commitments.all()],
                "referrals": [r.name for r in m.referrals.all()],
            }
            for m in _meetings(person.pk)
        ],
    }


def money_trail(scenario: Scenario) -> list[dict[str, Any]]:
    """The scenario's funders with what the money data knows they fund (filon.money)."""
    from django.db.models import Count

    from filon.money.models import Project

    counts = dict(
        Project.objects.filter(funder__in=scenario.funders.all())
        .values("funder_id")
        .annotate(n=Count("pk"))
        .values_list("funder_id", "n")
    )
    return [{"org": o, "projects": counts.get(o.pk, 0)} for o in scenario.funders.all()]


def competence_for(viewer: Viewer, pk: int) -> Competence:
    found = Competence.objects.filter(pk=pk, person_id=owner_id(viewer)).first()
    if found is None:
        raise NotFound
    return found


def desire_for(viewer: Viewer, pk: int) -> Desire:
    found = Desire.objects.filter(pk=pk, person_id=owner_id(viewer)).first()
    if found is None:
        raise NotFound
    return found
