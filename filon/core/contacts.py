"""Targeted contacts: whom to meet to test an offer scenario, ranked, each with its reasons.

A person's score is a weighted sum of parts (weights in :data:`DEFAULT_WEIGHTS`, configurable):

- ``text``: how close the person's visible profile (positions, skills, thesis) is to the
  scenario's words, scored OR-wise from the directory index's posting lists (every query word
  found adds its BM25F weight) and divided by the best score, so in [0, 1];
- one part per :class:`Signal` — works at a buyer organisation, in a target sector, is funded
  by or works for a funder of the money trail, shares school / cohort / lab, offered help on
  the topic, was recommended in a meeting — each a sparse list of people with a strength in
  [0, 1] and a detail in words.

The caller decides what may be used (privacy is applied *before*: hidden fields are not in
the index nor in the signals) and excludes the member themself.

Cost: O(Σ posting lengths of the query words + Σ signal lengths + n) for n people, then
O(n) for the top-k selection (:func:`numpy.argpartition`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

DEFAULT_WEIGHTS: Mapping[str, float] = {
    "text": 2.0,
    "buyer": 3.0,
    "sector": 1.5,
    "money": 2.0,
    "referral": 2.5,
    "help": 1.5,
    "school": 0.5,
    "cohort": 1.0,
    "lab": 1.0,
}


@dataclass(frozen=True)
class Signal:
    """One kind of reason: the people it applies to (index positions, each at most once),
    their strength in [0, 1] (default 1) and a short detail for each (an organisation's name…)."""

    key: str
    people: np.ndarray
    strength: np.ndarray | None = None
    details: Sequence[str] = ()


@dataclass(frozen=True)
class Ranked:
    position: int
    score: float
    parts: dict[str, float]
    details: dict[str, list[str]] = field(default_factory=dict)


def text_scores(
    postings: sparse.csr_array | sparse.csr_matrix,
    rows: Sequence[Sequence[tuple[int, float]]],
    n: int,
) -> np.ndarray:
    """OR-wise scores of n people for the query words' term rows (from the search index).

    Each word adds its best term's weight for each person: scanning only the query's posting
    lists, never the whole matrix.

    >>> m = sparse.csr_array(np.array([[1.0, 0, 2.0], [0, 0.5, 0.5]]))
    >>> text_scores(m, [[(0, 1.0)], [(1, 1.0)]], 3).tolist()
    [1.0, 0.5, 2.5]
    """
    scores = np.zeros(n, dtype=np.float32)
    indptr, indices, data = postings.indptr, postings.indices, postings.data
    for row in rows:
        if len(row) == 1:
            t, weight = row[0]
            s, e = indptr[t], indptr[t + 1]
            scores[indices[s:e]] += data[s:e] * weight
            continue
        word = np.zeros(n, dtype=np.float32)
        for t, weight in row:
            s, e = indptr[t], indptr[t + 1]
            idx = indices[s:e]
            word[idx] = np.maximum(word[idx], data[s:e] * weight)
        scores += word
    return scores


def rank(
    n: int,
    signals: Sequence[Signal],
    *,
    text: np.ndarray | None = None,
    exclude: Sequence[int] = (),
    top: int = 20,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> list[Ranked]:
    """The ``top`` people by score, best first, with each part of their score and details.

    People with a zero score are never listed. Ties are broken by position (stable).

    >>> buyer = Signal("buyer", np.array([2, 3]), details=["Thales", "Airbus"])
    >>> school = Signal("school", np.array([1, 2, 3]))
    >>> text = np.array([0.0, 4.0, 0.0, 2.0])
    >>> ranked = rank(4, [buyer, school], text=text, exclude=[1])
    >>> [(r.position, round(r.score, 2)) for r in ranked]
    [(3, 4.5), (2, 3.5)]
    >>> ranked[0].parts, ranked[0].details["buyer"]
    ({'text': 1.0, 'buyer': 3.0, 'school': 0.5}, ['Airbus'])
    """
    total = np.zeros(n, dtype=np.float32)
    text_part = None
    if text is not None and text.size:
        best = float(text.max()) if n else 0.0
        if best > 0:
            text_part = text.astype(np.float32) * (weights.get("text", 0.0) / best)
            total += text_part
    for sig in signals:
        w = weights.get(sig.key, 0.0)
        if not w or not len(sig.people):
            continue
        # A signal lists each person once, so a fancy-indexed add is exact (and far faster
        # than np.add.at).
        if sig.strength is None:
            total[sig.people] += np.float32(w)
        else:
            total[sig.people] += w * sig.strength.astype(np.float32)
    if len(exclude):
        total[np.asarray(exclude, dtype=np.int64)] = 0
    k = min(top, n)
    if k <= 0:
        return []
    cand = np.argpartition(-total, k - 1)[:k] if k < n else np.arange(n)
    cand = cand[total[cand] > 0]
    cand = cand[np.lexsort((cand, -total[cand]))]

    chosen = cand.tolist()
    parts: dict[int, dict[str, float]] = {p: {} for p in chosen}
    details: dict[int, dict[str, list[str]]] = {p: {} for p in chosen}
    if text_part is not None:
        for p in chosen:
            if text_part[p] > 0:
                parts[p]["text"] = round(float(text_part[p]), 3)
    for sig in signals:
        w = weights.get(sig.key, 0.0)
        if not w or not len(sig.people):
            continue
        # One pass over the signal for all the chosen people: O(len(signal)).
        for h in np.flatnonzero(np.isin(sig.people, cand)).tolist():
            p = int(sig.people[h])
            amount = 1.0 if sig.strength is None else float(sig.strength[h])
            parts[p][sig.key] = round(parts[p].get(sig.key, 0.0) + w * amount, 3)
            if sig.details and sig.details[h]:
                details[p].setdefault(sig.key, []).append(sig.details[h])
    # Parts in the order of the weights (text first), whatever the signals' order.
    order = {k: i for i, k in enumerate(weights)}
    return [
        Ranked(
            p,
            float(total[p]),
            dict(sorted(parts[p].items(), key=lambda kv: order.get(kv[0], len(order)))),
            details[p],
        )
        for p in chosen
    ]


def best_paths(
    graph: Any, source: int, targets: Sequence[int], *, max_level: int = 0
) -> dict[int, Any]:
    """The cheapest introduction path from ``source`` to each target (a graph node), if any.

    One bidirectional search a target (:meth:`filon.core.graph.Graph.paths` with ``k=1``):
    measured by ``filon bench contacts``, far cheaper than one Dijkstra from the source until
    all targets are settled, which explores the whole graph as soon as one target is out of
    reach (hubs of thousands of people put everyone within a few hops).
    """
    out: dict[int, Any] = {}
    for t in targets:
        found = graph.paths(source, int(t), k=1, viewer=source, max_level=max_level)
        if found:
            out[int(t)] = found[0]
    return out
