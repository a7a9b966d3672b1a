"""The hypothesis rules (filon.core.evidence): every state transition, fluff never counting."""

from __future__ import annotations

from datetime import date

import pytest

from filon.core.evidence import (
    Rules,
    Verdict,
    assess,
    due,
    meeting_flags,
    referral_chain,
    scenario_status,
)

PAIN = frozenset({"pain"})
FLUFF = frozenset({"compliment", "fluff", "idea", "workaround"})


def supports(org: str, commitment: str = "none", notes: frozenset[str] = PAIN, s: int = 2):
    return Verdict("supports", s, org, commitment, notes)


def refutes(org: str, s: int = 3, notes: frozenset[str] = PAIN):
    return Verdict("refutes", s, org, "none", notes)


def test_untested_without_verdicts() -> None:
    assert assess([]).state == "untested"


def test_untested_to_testing_on_first_evidence() -> None:
    assert assess([supports("A")]).state == "testing"


def test_testing_to_supported_needs_count_orgs_and_commitment() -> None:
    base = [supports("A"), supports("B")]
    assert assess([*base, supports("A")]).state == "testing"  # no commitment
    assert assess([*base, supports("A", "time")]).state == "testing"  # time is not enough
    a = assess([*base, supports("C", "reputation")])
    assert a.state == "supported" and a.missing == ()
    # Three supports, a commitment, but a single organisation: not supported.
    one_org = [supports("A"), supports("A"), supports("A", "money")]
    assert assess(one_org).missing == ("organisations",)


def test_price_needs_a_money_signal() -> None:
    three = [supports("A"), supports("B"), supports("C", "reputation")]
    assert assess(three, "who").state == "supported"
    a = assess(three, "price")
    assert a.state == "testing" and a.missing == ("money",)
    spend = [supports("A", notes=frozenset({"spend"})), *three[1:]]
    assert assess(spend, "price").state == "supported"
    assert assess(three, "price", Rules(price_needs_money=False)).state == "supported"


def test_refuted_after_two_strong_refutations_without_strong_support() -> None:
    assert assess([refutes("A")]).state == "testing"
    assert assess([refutes("A"), refutes("B", s=1)]).state == "testing"  # one is weak
    assert assess([refutes("A"), refutes("B")]).state == "refuted"
    # A strong support keeps it open.
    assert assess([refutes("A"), refutes("B"), supports("C", s=3)]).state == "testing"


def test_supported_to_refuted_and_back_by_new_evidence() -> None:
    supported = [supports("A"), supports("B"), supports("C", "reputation")]
    assert assess(supported).state == "supported"
    # Two strong refutations against a supported hypothesis: no longer supported, inconclusive.
    mixed = [*supported, refutes("D"), refutes("E")]
    assert assess(mixed).state == "inconclusive"


def test_inconclusive_after_enough_evidence_without_decision() -> None:
    weak = [Verdict("neutral", 1, org, "none", PAIN) for org in "ABC"]
    assert assess(weak).state == "testing"
    assert assess([*weak, Verdict("neutral", 1, "D", "none", PAIN)]).state == "inconclusive"
    assert assess(weak, rules=Rules(inconclusive_after=3)).state == "inconclusive"


@pytest.mark.parametrize("kinds", [FLUFF, frozenset({"compliment"}), frozenset({"fluff"})])
def test_fluff_and_compliments_never_count(kinds: frozenset[str]) -> None:
    strong = [Verdict("supports", 3, org, "none", kinds) for org in "ABCDEF"]
    a = assess(strong)
    assert a.state == "untested" and a.counted == 0 and a.ignored == 6
    refuting = [Verdict("refutes", 3, org, "none", kinds) for org in "ABC"]
    assert assess(refuting).state == "untested"
    # Adding fluff to a testing hypothesis changes nothing but the count of ignored verdicts.
    with_fluff, without = assess([supports("A"), *strong]), assess([supports("A")])
    assert (with_fluff.state, with_fluff.supports, with_fluff.ignored) == ("testing", 1, 6)
    assert without.ignored == 0


def test_rules_are_configurable() -> None:
    two = [supports("A", "reputation"), supports("B")]
    assert assess(two).state == "testing"
    assert assess(two, rules=Rules.from_mapping({"min_support": 2})).state == "supported"


def test_scenario_status_follows_hypotheses() -> None:
    assert scenario_status({}).status == "draft"
    assert scenario_status({"who": ["untested"]}).status == "exploring"
    assert scenario_status({"who": ["testing"]}).status == "testing"
    done = {"who": ["supported"], "why": ["supported"], "price": ["supported"]}
    assert scenario_status(done) == scenario_status(done)
    assert scenario_status(done).status == "validated"
    assert scenario_status(done).confidence == 1.0
    assert scenario_status({**done, "price": ["refuted"]}).status == "invalidated"
    assert scenario_status(done, parked=True).status == "parked"
    partial = scenario_status({"who": ["supported"]})
    assert partial.status == "testing" and partial.confidence == pytest.approx(1 / 3, abs=0.01)


def test_meeting_flags_and_due_follow_ups() -> None:
    assert meeting_flags(["fluff"], [], "").zombie
    assert not meeting_flags(["fluff"], [], "Rappeler en mars").zombie
    assert not meeting_flags([], ["reputation"], "").zombie
    assert meeting_flags(["compliment", "fact"], [], "x").flagged_notes == 1
    today = date(2026, 5, 1)
    rows = [(1, date(2026, 4, 30), False), (2, date(2026, 5, 2), False), (3, today, True)]
    assert due(rows, today) == [1]


def test_referral_chain() -> None:
    d = date
    meetings = [
        (1, "ana", d(2026, 1, 10)),
        (2, "ben", d(2026, 1, 20)),
        (3, "cy", d(2026, 2, 1)),
        (4, "dee", d(2026, 2, 2)),
        (5, "ana", d(2026, 3, 1)),  # Ana again: recommended by nobody before her first meeting
    ]
    referrals = [(1, "ben"), (2, "cy"), (2, "dee"), (3, "ana")]
    chain = {c.meeting: (c.parent, c.depth) for c in referral_chain(meetings, referrals)}
    assert chain[1] == (None, 0)
    assert chain[2] == (1, 1)
    assert chain[3] == (2, 2)
    assert chain[4] == (2, 2)
    assert chain[5] == (3, 3)  # the second meeting with Ana came through Cy
    # A recommendation made *after* a meeting does not make it its parent.
    late = referral_chain([(1, "ana", d(2026, 1, 1)), (2, "ben", d(2026, 2, 1))], [(2, "ana")])
    assert [c.parent for c in late] == [None, None]
