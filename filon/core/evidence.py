"""What meetings prove: the state of an offer's hypotheses, computed from meeting evidence.

The method is customer discovery as *The Mom Test* (Fitzpatrick, 2013) teaches it: what people
*did* and *paid* counts, what they say they think does not. Concretely:

- a meeting's notes are typed (:data:`NOTE_KINDS`); only facts, past behaviour, spend and pain
  (:data:`EVIDENCE_NOTES`) and **commitments** (time, reputation, money) are evidence;
  compliments and fluff (:data:`FLAGGED_NOTES`) are kept but flagged, and never count;
- a verdict (supports / refutes / neutral, strength 1–3) on a hypothesis counts only if its
  meeting holds some evidence: a note of the first four kinds, or a commitment. A verdict
  drawn from a meeting of compliments only is ignored, whatever its strength;
- :class:`Rules` turns the counting verdicts of one hypothesis into its state (defaults from
  the research note, section 5.2, configurable):

  * **supported** after ``min_support`` (3) supporting verdicts from ``min_organisations`` (2)
    distinct organisations, including a commitment of ``min_commitment`` (reputation) or
    higher; a PRICE hypothesis also needs a money signal (a spend note or a money commitment);
  * **refuted** after ``min_refute`` (2) strong refutations (strength ≥ ``strong``) and no
    strong support;
  * **inconclusive** once ``inconclusive_after`` (4) counting verdicts neither support nor
    refute it;
  * **testing** while some evidence is in but below those thresholds;
  * **untested** with no counting verdict.

A scenario's status and confidence follow from its hypotheses (:func:`scenario_status`).
Pure Python: no Django here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

#: The four questions an offer must answer.
DIMENSIONS: tuple[str, ...] = ("who", "why", "price", "feasibility")

#: The kinds of meeting notes, in the form's order.
NOTE_KINDS: tuple[str, ...] = (
    "fact",
    "past",
    "spend",
    "pain",
    "workaround",
    "compliment",
    "fluff",
    "idea",
)
#: Notes that are evidence (with commitments).
EVIDENCE_NOTES = frozenset({"fact", "past", "spend", "pain"})
#: Notes kept but flagged: they feel good and prove nothing.
FLAGGED_NOTES = frozenset({"compliment", "fluff"})

#: Commitments, weakest first: what the person gave up for the offer.
COMMITMENTS: tuple[str, ...] = ("none", "time", "reputation", "money")
_COMMIT_RANK = {c: i for i, c in enumerate(COMMITMENTS)}

EFFECTS: tuple[str, ...] = ("supports", "refutes", "neutral")
STATES: tuple[str, ...] = ("untested", "testing", "supported", "refuted", "inconclusive")

#: How much each state counts towards a scenario's confidence.
STATE_CONFIDENCE: Mapping[str, float] = {
    "untested": 0.0,
    "testing": 0.35,
    "inconclusive": 0.2,
    "supported": 1.0,
    "refuted": 0.0,
}


@dataclass(frozen=True)
class Rules:
    """The thresholds of :func:`assess` (defaults: research note, section 5.2)."""

    min_support: int = 3
    min_organisations: int = 2
    min_commitment: str = "reputation"
    price_needs_money: bool = True
    min_refute: int = 2
    strong: int = 2
    inconclusive_after: int = 4

    @classmethod
    def from_mapping(cls, values: Mapping[str, object] | None) -> Rules:
        """Rules from a settings mapping; unknown keys are ignored.

        >>> Rules.from_mapping({"min_support": 2, "other": 1}).min_support
        2
        """
        known = {k: v for k, v in (values or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Verdict:
    """One meeting's verdict on one hypothesis, with what that meeting holds as evidence.

    ``notes`` are the kinds of the meeting's notes; ``organisation`` names whom the person met
    speaks for (distinct organisations are counted, folded by the caller).
    """

    effect: str
    strength: int = 1
    organisation: str = ""
    commitment: str = "none"
    notes: frozenset[str] = field(default_factory=frozenset)
    meeting: int | None = None

    @property
    def counts(self) -> bool:
        """Whether the verdict is evidence: its meeting has an evidence note or a commitment.

        >>> Verdict("supports", 3, notes=frozenset({"compliment", "fluff"})).counts
        False
        >>> Verdict("supports", 1, notes=frozenset({"pain"})).counts
        True
        >>> Verdict("supports", 1, commitment="time").counts
        True
        """
        return bool(self.notes & EVIDENCE_NOTES) or _COMMIT_RANK.get(self.commitment, 0) > 0

    @property
    def money_signal(self) -> bool:
        """Money on the table: current spend noted, or a money commitment (LOI, quote…)."""
        return "spend" in self.notes or self.commitment == "money"


@dataclass(frozen=True)
class Assessment:
    """A hypothesis's state and the counts it was decided from (shown on the page)."""

    state: str
    supports: int
    refutes: int
    strong_supports: int
    strong_refutes: int
    organisations: int
    best_commitment: str
    money_signal: bool
    counted: int
    ignored: int
    missing: tuple[str, ...] = ()


def assess(
    verdicts: Iterable[Verdict], dimension: str = "who", rules: Rules = Rules()
) -> Assessment:
    """The state of one hypothesis from its verdicts.

    ``missing`` lists what a supported state still lacks (``support``, ``organisations``,
    ``commitment``, ``money``), to tell the member what to look for next.

    Examples
    --------
    >>> pain = frozenset({"pain"})
    >>> assess([]).state
    'untested'
    >>> assess([Verdict("supports", 2, "A", notes=pain)]).state
    'testing'
    >>> three = [Verdict("supports", 2, org, notes=pain) for org in "ABA"]
    >>> a = assess(three)
    >>> a.state, a.missing
    ('testing', ('commitment',))
    >>> assess(three[:2] + [Verdict("supports", 2, "C", "reputation", pain)]).state
    'supported'
    >>> assess([Verdict("supports", 3, o, notes=frozenset({"fluff"})) for o in "ABC"]).state
    'untested'
    >>> assess([Verdict("refutes", 3, o, notes=pain) for o in "AB"]).state
    'refuted'
    """
    given = list(verdicts)
    counted = [v for v in given if v.counts]
    ignored = len(given) - len(counted)
    supporting = [v for v in counted if v.effect == "supports"]
    refuting = [v for v in counted if v.effect == "refutes"]
    strong_s = sum(1 for v in supporting if v.strength >= rules.strong)
    strong_r = sum(1 for v in refuting if v.strength >= rules.strong)
    orgs = {v.organisation.strip().lower() for v in supporting if v.organisation.strip()}
    best = max((_COMMIT_RANK.get(v.commitment, 0) for v in supporting), default=0)
    money = any(v.money_signal for v in supporting)

    missing: list[str] = []
    if len(supporting) < rules.min_support:
        missing.append("support")
    if len(orgs) < rules.min_organisations:
        missing.append("organisations")
    if best < _COMMIT_RANK.get(rules.min_commitment, 2):
        missing.append("commitment")
    if dimension == "price" and rules.price_needs_money and not money:
        missing.append("money")

    if strong_r >= rules.min_refute and strong_s == 0:
        state = "refuted"
    elif not missing and strong_r < rules.min_refute:
        state = "supported"
    elif not counted:
        state = "untested"
    elif len(counted) >= rules.inconclusive_after:
        state = "inconclusive"
    else:
        state = "testing"
    return Assessment(
        state,
        len(supporting),
        len(refuting),
        strong_s,
        strong_r,
        len(orgs),
        COMMITMENTS[best],
        money,
        len(counted),
        ignored,
        tuple(missing),
    )


@dataclass(frozen=True)
class ScenarioState:
    status: str
    confidence: float


def scenario_status(states: Mapping[str, Sequence[str]], *, parked: bool = False) -> ScenarioState:
    """A scenario's status and confidence (0–1) from its hypotheses' states by dimension.

    - ``draft``: no hypothesis yet; ``parked``: set aside by the member;
    - ``invalidated``: a WHO, WHY or PRICE hypothesis is refuted (the offer does not stand);
    - ``validated``: WHO, WHY and PRICE each have a hypothesis and all hypotheses are supported;
    - ``testing``: some evidence is in; ``exploring``: hypotheses written, none tested.

    Confidence is the mean of :data:`STATE_CONFIDENCE` over the three mandatory dimensions
    (a missing one counts 0) and feasibility if written, each dimension's best hypothesis.

    >>> scenario_status({})
    ScenarioState(status='draft', confidence=0.0)
    >>> scenario_status({"who": ["supported"], "why": ["testing"]})
    ScenarioState(status='testing', confidence=0.45)
    >>> scenario_status({"who": ["supported"], "why": ["supported"], "price": ["supported"]})
    ScenarioState(status='validated', confidence=1.0)
    >>> scenario_status({"who": ["refuted"], "why": ["untested"]}).status
    'invalidated'
    """
    all_states = [s for values in states.values() for s in values]
    dims = [d for d in DIMENSIONS if d != "feasibility" or states.get(d)]
    per_dim = [max((STATE_CONFIDENCE[s] for s in states.get(d, ())), default=0.0) for d in dims]
    confidence = round(sum(per_dim) / len(dims), 2) if dims else 0.0
    if parked:
        status = "parked"
    elif not all_states:
        status = "draft"
    elif any(
        "refuted" in states.get(d, ()) and "supported" not in states.get(d, ())
        for d in ("who", "why", "price")
    ):
        status = "invalidated"
    elif all(states.get(d) for d in ("who", "why", "price")) and all(
        s == "supported" for s in all_states
    ):
        status = "validated"
    elif any(s != "untested" for s in all_states):
        status = "testing"
    else:
        status = "exploring"
    return ScenarioState(status, confidence)


def priority(criticality: int, state: str) -> float:
    """How urgent testing a hypothesis is: criticality × lack of evidence (research note 5.2).

    >>> priority(5, "untested"), priority(5, "supported"), priority(2, "testing")
    (5.0, 0.0, 1.3)
    """
    return round(criticality * (1.0 - STATE_CONFIDENCE.get(state, 0.0)), 2)


# -- meetings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFlags:
    zombie: bool  # no commitment and no next step: the meeting led nowhere
    flagged_notes: int  # compliments and fluff
    evidence_notes: int


def meeting_flags(notes: Iterable[str], commitments: Iterable[str], next_step: str) -> MeetingFlags:
    """Flags of one meeting.

    >>> meeting_flags(["compliment", "fluff", "idea"], [], "")
    MeetingFlags(zombie=True, flagged_notes=2, evidence_notes=0)
    >>> meeting_flags(["pain"], ["time"], "")
    MeetingFlags(zombie=False, flagged_notes=0, evidence_notes=1)
    """
    kinds = list(notes)
    committed = any(_COMMIT_RANK.get(c, 0) > 0 for c in commitments)
    return MeetingFlags(
        zombie=not committed and not next_step.strip(),
        flagged_notes=sum(1 for k in kinds if k in FLAGGED_NOTES),
        evidence_notes=sum(1 for k in kinds if k in EVIDENCE_NOTES),
    )


def due(next_dates: Iterable[tuple[int, date | None, bool]], today: date) -> list[int]:
    """The meetings whose follow-up is due: a next-step date reached and not marked done.

    >>> due([(1, date(2026, 1, 1), False), (2, date(2026, 1, 1), True),
    ...      (3, date(2027, 1, 1), False), (4, None, False)], date(2026, 6, 1))
    [1]
    """
    return [m for m, when, done in next_dates if when is not None and not done and when <= today]


# -- the referral chain -----------------------------------------------------------------------


@dataclass(frozen=True)
class ChainLink:
    meeting: int
    parent: int | None  # the meeting where this person was recommended
    depth: int


def referral_chain(
    meetings: Sequence[tuple[int, str, date]], referrals: Iterable[tuple[int, str]]
) -> list[ChainLink]:
    """Who led to whom: each meeting linked to the earlier meeting that recommended its person.

    ``meetings`` are (id, person key, date); ``referrals`` are (meeting id, person key) — the
    people recommended during that meeting. A meeting's parent is the earliest earlier meeting
    that recommended its person; depth counts the links back to a meeting nobody led to.

    >>> from datetime import date as d
    >>> ms = [(1, "ana", d(2026, 1, 1)), (2, "ben", d(2026, 2, 1)), (3, "cy", d(2026, 3, 1)),
    ...       (4, "dee", d(2026, 3, 2))]
    >>> [(c.meeting, c.parent, c.depth) for c in referral_chain(ms, [(1, "ben"), (2, "cy")])]
    [(1, None, 0), (2, 1, 1), (3, 2, 2), (4, None, 0)]
    """
    by_id = {m: (key, when) for m, key, when in meetings}
    recommended: dict[str, list[int]] = {}
    for meeting, key in referrals:
        if meeting in by_id and key:
            recommended.setdefault(key, []).append(meeting)
    parents: dict[int, int | None] = {}
    for m, key, when in sorted(meetings, key=lambda r: (r[2], r[0])):
        earlier = [r for r in recommended.get(key, ()) if r != m and (by_id[r][1], r) < (when, m)]
        parents[m] = min(earlier, key=lambda r: (by_id[r][1], r)) if earlier else None
    out = []
    for m, _key, _when in sorted(meetings, key=lambda r: (r[2], r[0])):
        depth, node, seen = 0, parents[m], {m}
        while node is not None and node not in seen:
            seen.add(node)
            depth += 1
            node = parents[node]
        out.append(ChainLink(m, parents[m], depth))
    return out
