"""What the graph holds: kinds of node and edge, tie strength, and the reasons of each hop.

Tie strength, as costs (a path's weight is the sum of its edges' costs; the cheapest path is
the strongest chain of acquaintances). A hop between two people costs:

================================  ==========================================  ==========
relation                          cost                                        strength
================================  ==========================================  ==========
thesis advisor and advisee        1.0                                         strong
explicit tie of strength s        1 + 2 (1 − s): 1.0 (s = 1) to 3.0 (s = 0)   strong if s ≥ 0.5
same lab, overlapping years       1.5                                         strong
colleagues, overlapping dates     2 + min(2, ½ log₂(1 + c / 10)), c the       medium
                                  organisation's peak headcount in the graph
same research project (hub)       2.5 + log₁₀(size)                            medium
same group or club (hub)          3.0 + log₁₀(size)                            medium to weak
same cohort, school + year (hub)  3.5 + log₁₀(size): 6.1 for a cohort of 400  weak
================================  ==========================================  ==========

A hop costing at most :data:`STRONG` is strong, above :data:`WEAK` weak, medium between.
Colleagues only count when their dates overlap: the overlap is computed when the index is
built, and only then does a person–person "colleague" (or "lab") edge exist; two people who
worked at the same place years apart share no edge. In a large organisation each position is
linked to the next :data:`COLLEAGUE_CAP` overlapping arrivals only (the people who joined
closest after them): a clique over 3,000 concurrent employees would hold millions of edges,
and everyone there is still reached through their nearer colleagues.

Cohorts, groups and projects are hub nodes, never expanded into cliques: ``person → cohort →
person`` is one hop of two edges, each costing half the hop. Organisations, labs and funders
are nodes that end a path (``… → person → organisation``, "works there"; ``person → funder``,
"thesis funded by") but are never passed through: colleagues are linked directly, with dates.
"""

from __future__ import annotations

import math
from enum import IntEnum


class NodeKind(IntEnum):
    PERSON = 0
    ORGANISATION = 1
    LAB = 2
    COHORT = 3
    GROUP = 4
    PROJECT = 5
    FUNDER = 6


#: Node kinds a path may pass through between two people (besides people themselves).
HUB_KINDS = frozenset({NodeKind.COHORT, NodeKind.GROUP, NodeKind.PROJECT})
#: Node kinds that can only end a path.
PLACE_KINDS = frozenset({NodeKind.ORGANISATION, NodeKind.LAB, NodeKind.FUNDER})


class EdgeKind(IntEnum):
    TIE = 0
    ADVISOR = 1
    LAB = 2
    COLLEAGUE = 3
    COHORT = 4
    GROUP = 5
    PROJECT = 6
    WORKS_AT = 7
    FUNDED = 8


#: Edge kinds between two people, directly.
PERSON_EDGES = frozenset({EdgeKind.TIE, EdgeKind.ADVISOR, EdgeKind.LAB, EdgeKind.COLLEAGUE})
#: The edge kind from a person to each kind of hub.
HUB_EDGE = {
    NodeKind.COHORT: EdgeKind.COHORT,
    NodeKind.GROUP: EdgeKind.GROUP,
    NodeKind.PROJECT: EdgeKind.PROJECT,
}
#: The last edge of a path to an organisation: someone who works or worked there.
ORG_TARGET_KINDS = 1 << EdgeKind.WORKS_AT
ALL_KINDS = (1 << len(EdgeKind)) - 1

STRONG = 2.0
WEAK = 4.0
ADVISOR_COST = 1.0
LAB_COST = 1.5
WORKS_AT_CURRENT = 0.5
WORKS_AT_FORMER = 1.0
FUNDED_COST = 1.0
COLLEAGUE_CAP = 4
HUB_BASE = {NodeKind.PROJECT: 2.5, NodeKind.GROUP: 3.0, NodeKind.COHORT: 3.5}


def tie_cost(strength: float) -> float:
    """The cost of an explicit tie: 1.0 for the strongest, 3.0 for the weakest.

    >>> tie_cost(1.0), tie_cost(0.5), tie_cost(0.0)
    (1.0, 2.0, 3.0)
    """
    s = min(1.0, max(0.0, float(strength)))
    return 1.0 + 2.0 * (1.0 - s)


def colleague_cost(headcount: int) -> float:
    """The cost of being colleagues (with overlapping dates) where ``headcount`` people overlap.

    >>> round(colleague_cost(5), 2), colleague_cost(300), colleague_cost(100_000)
    (2.29, 4.0, 4.0)
    """
    return 2.0 + min(2.0, 0.5 * math.log2(1 + max(0, headcount) / 10))


def hub_cost(kind: NodeKind, size: int) -> float:
    """The cost of one hop through a hub of ``size`` members (half on each of its two edges).

    >>> round(hub_cost(NodeKind.COHORT, 400), 2)
    6.1
    """
    return HUB_BASE[kind] + math.log10(max(1, size))


def strength_of(cost: float) -> str:
    """``"strong"``, ``"medium"`` or ``"weak"``, for the cost of one hop.

    >>> strength_of(1.5), strength_of(3.0), strength_of(6.1)
    ('strong', 'medium', 'weak')
    """
    if cost <= STRONG:
        return "strong"
    return "medium" if cost <= WEAK else "weak"


#: The reasons of each hop, in French. The web adapter passes the same keys translated.
REASONS_FR: dict[str, str] = {
    "tie": "relation déclarée",
    "tie:declared": "relation déclarée",
    "tie:mentor": "mentorat",
    "tie:colleague": "collègues (relation déclarée)",
    "tie:coauthor": "co-auteurs",
    "tie:linkedin": "relation LinkedIn",
    "tie:introduction": "mise en relation",
    "tie:event": "rencontre lors d'un événement",
    "advisor": "a dirigé sa thèse",
    "advisee": "a fait sa thèse sous sa direction",
    "lab": "même labo, {place} {years}",
    "colleague": "collègues chez {place} {years}",
    "cohort": "même promo {place}",
    "group": "membres du groupe {place}",
    "project": "même projet, {place}",
    "works_at": "travaille chez {place} {years}",
    "worked_at": "a travaillé chez {place} {years}",
    "funded": "thèse financée par {place}",
    "since": "depuis {start}",
    "range": "{start}–{end}",
    "single": "en {start}",
}


def years_text(y0: int, y1: int, reasons: dict[str, str] = REASONS_FR) -> str:
    """The years of a relation: ``2016–2019``, ``depuis 2019`` (still on), or nothing.

    >>> years_text(2016, 2019), years_text(2019, 0), years_text(2019, 2019), years_text(0, 0)
    ('2016–2019', 'depuis 2019', 'en 2019', '')
    """
    if not y0:
        return ""
    if not y1:
        return reasons["since"].format(start=y0)
    if y1 == y0:
        return reasons["single"].format(start=y0)
    return reasons["range"].format(start=y0, end=y1)
