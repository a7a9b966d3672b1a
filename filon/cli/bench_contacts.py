"""`filon bench contacts`: ranking a scenario's targeted contacts through the core.

For each size, synthetic members (no database):

- a term × person posting matrix with the shape of the directory index
  (:attr:`filon.core.search.SearchIndex.postings`): ``TERMS_PER_PERSON`` terms a person drawn
  from a Zipf-like vocabulary that grows with the network, BM25-like weights;
- the network graph of the same people (:func:`filon.core.graph.synthetic.synthetic_graph`,
  people are its first nodes);
- a query of 30 scenario words of middling frequency, and the signals of a scenario: people
  at 3 buyer organisations (0.5 %), in the target sectors (3 %), on the money trail (0.5 %),
  of the member's school (45 %), of their cohort (0.3 %), who offered help (0.1 %).

One measured query = OR-scoring the words on their posting lists
(:func:`filon.core.contacts.text_scores`), adding the signals and taking the top 20 with the
parts of their score and details (:func:`filon.core.contacts.rank`), then the best
introduction path to each of the 20 (:func:`filon.core.contacts.best_paths`).
The floor is one sparse matrix–vector product over the same matrix (person × term CSR times
the query's term vector), the cost of scoring every person against the words at all.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np
from scipy import sparse

from filon.cli.base import err

TERMS_PER_PERSON = 20
QUERY_WORDS = 30
TOP = 20
TARGETS = {"30000": 50.0, "1000000": 300.0}


def postings(n: int, rng: np.random.Generator) -> sparse.csr_array:
    """A term × person CSR matrix: each person has TERMS_PER_PERSON Zipf-drawn terms."""
    vocab = max(5_000, n // 10)
    ranks = np.arange(1, vocab + 1, dtype=np.float64)
    p = 1.0 / ranks
    p /= p.sum()
    k = TERMS_PER_PERSON
    terms = rng.choice(vocab, size=n * k, p=p).astype(np.int32)
    people = np.repeat(np.arange(n, dtype=np.int32), k)
    order = np.argsort(terms, kind="stable")
    indices = people[order]
    counts = np.bincount(terms, minlength=vocab)
    indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    data = rng.uniform(0.5, 3.0, size=n * k).astype(np.float32)
    return sparse.csr_array((data, indices, indptr), shape=(vocab, n))


def signals(n: int, rng: np.random.Generator) -> list[Any]:
    from filon.core.contacts import Signal

    def some(key: str, share: float, detail: str) -> Signal:
        people = rng.choice(n, size=max(1, int(n * share)), replace=False)
        return Signal(
            key,
            people,
            rng.uniform(0.5, 1.0, len(people)).astype(np.float32),
            [detail] * len(people),
        )

    return [
        some("buyer", 0.005, "travaille chez un client visé"),
        some("sector", 0.03, "secteur visé"),
        some("money", 0.005, "thèse financée par le financeur"),
        some("school", 0.45, "P"),
        some("cohort", 0.003, "P19"),
        some("help", 0.001, "propose son aide"),
    ]


def bench_size(n: int, *, queries: int, seed: int) -> dict[str, Any]:
    from filon.core import contacts as core
    from filon.core.graph import warm_up
    from filon.core.graph.synthetic import synthetic_graph

    rng = np.random.default_rng(seed)
    warm_up()
    err.print(f"[{n}] matrice et graphe synthétiques…")
    started = time.perf_counter()
    matrix = postings(n, rng)
    by_person = matrix.T.tocsr()  # person × term, for the floor's product
    graph = synthetic_graph(n, seed=seed)
    build = time.perf_counter() - started
    vocab = matrix.shape[0]
    lengths = np.diff(matrix.indptr)
    # Scenario words: terms of middling frequency (neither stop-like nor unseen).
    middling = np.flatnonzero((lengths > 0) & (lengths < max(50, n // 50)))
    times, floors = [], []
    for q in range(queries):
        words = rng.choice(middling, size=QUERY_WORDS, replace=False)
        sigs = signals(n, rng)
        me = int(rng.integers(n))
        rows = [[(int(t), 1.0)] for t in words]
        vector = np.zeros(vocab, dtype=np.float32)
        vector[words] = 1.0

        t0 = time.perf_counter()
        text = core.text_scores(matrix, rows, n)
        ranked = core.rank(n, sigs, text=text, exclude=[me], top=TOP)
        core.best_paths(graph, me, [r.position for r in ranked], max_level=1)
        t1 = time.perf_counter()
        by_person @ vector
        t2 = time.perf_counter()
        if q:  # the first query warms caches up
            times.append(t1 - t0)
            floors.append(t2 - t1)
    med = statistics.median(times) * 1000
    floor = statistics.median(floors) * 1000
    p95 = sorted(times)[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000
    return {
        "median_ms": round(med, 2),
        "p95_ms": round(p95, 2),
        "spmv_median_ms": round(floor, 2),
        "ratio_to_spmv": round(med / floor, 2) if floor else None,
        "nnz": int(matrix.nnz),
        "build_s": round(build, 2),
        "target_ms": TARGETS.get(str(n)),
    }


def run(sizes: list[int], *, queries: int, seed: int) -> dict[str, Any]:
    """Flat keys naming the size: ``30000.median_ms``, ``30000.ratio_to_spmv``…"""
    report: dict[str, Any] = {
        "queries": queries,
        "top": TOP,
        "query_words": QUERY_WORDS,
        "terms_per_person": TERMS_PER_PERSON,
    }
    for n in sizes:
        for key, value in bench_size(n, queries=queries, seed=seed).items():
            report[f"{n}.{key}"] = value
    return report
