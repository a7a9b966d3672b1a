"""The read side of directory search: the database's full-text engine, and facet columns.

Text is matched and ranked by the database (FTS5's ``bm25`` with field weights on SQLite,
``ts_rank`` over a GIN-indexed ``tsvector`` on PostgreSQL), from the documents that
:mod:`filon.directory.indexing` writes in each write's transaction.

Facet counts must be exact over every match, and ``GROUP BY`` over a large match set is slow,
so each process keeps compact facet columns: per person, the identity values (school, track,
decade, year, promo, offers help) and, per audience level, the guarded ones (employer, sector,
country, city), as int32 numbers of :class:`~filon.directory.models.SearchFacetValue`; counting
the matches is one :func:`numpy.bincount`. The columns are loaded once (in the gunicorn master,
before the workers fork, so the workers share them) and then follow the documents' change
numbers: before each search a process reads the documents whose ``seq`` is above the last one
it applied (one indexed query, usually empty) and overwrites their rows. No process ever
rebuilds because someone edited a field.

The same columns hold each person's place in name order (for lists without a query) and the
name words (for typo tolerance, :func:`filon.core.fulltext.plan`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection

from filon.core import fulltext
from filon.directory.fulltext_sql import LEVELS, fts_table
from filon.directory.indexing import (
    GUARDED_WIDTH,
    IDENTITY_WIDTH,
    SLOTS,
    WIDTH,
    ensure_documents,
)
from filon.directory.models import SearchFacetValue

log = logging.getLogger(__name__)

_NAME_KEY = 48  # bytes of a name key kept for ordering


@dataclass
class Matches:
    """Person ids matched by a query, with their text scores (higher: better)."""

    ids: np.ndarray
    scores: np.ndarray


class FacetState:
    """This process's facet columns, name order and name words, following the change log."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.cap = 0
        self.identity = np.full((0, IDENTITY_WIDTH), -1, np.int32)
        self.guarded = [np.full((0, GUARDED_WIDTH), -1, np.int32) for _ in LEVELS]
        self.present = [np.zeros(0, np.bool_) for _ in LEVELS]
        self.rank = np.zeros(0, np.float64)
        self.sorted_keys: np.ndarray = np.zeros(0, f"S{_NAME_KEY}")
        self.names: list[str] = []
        self._name_set: set[str] = set()
        self.values: dict[int, tuple[str, str]] = {}
        self.by_value: dict[tuple[str, str], int] = {}
        self.labels: dict[int, str] = {}
        self.facet_ids: dict[str, np.ndarray] = {}
        self.counts: list[np.ndarray] = [np.zeros(0, np.int64) for _ in LEVELS]
        self.last_seq = -1
        self.loaded_at = 0.0
        self.load_seconds = 0.0
        self.applied = 0

    # -- loading -------------------------------------------------------------------------

    def _grow(self, needed: int) -> None:
        if needed <= self.cap:
            return
        cap = max(needed, int(self.cap * 1.25) + 1024)
        extra = cap - self.cap
        self.identity = np.vstack([self.identity, np.full((extra, IDENTITY_WIDTH), -1, np.int32)])
        self.guarded = [
            np.vstack([g, np.full((extra, GUARDED_WIDTH), -1, np.int32)]) for g in self.guarded
        ]
        self.present = [np.concatenate([p, np.zeros(extra, np.bool_)]) for p in self.present]
        self.rank = np.concatenate([self.rank, np.zeros(extra, np.float64)])
        self.cap = cap

    def _refresh_values(self) -> None:
        known = max(self.values, default=0)
        rows = SearchFacetValue.objects.filter(pk__gt=known).values_list(
            "pk", "facet", "value", "label"
        )
        added = False
        for pk, facet, value, label in rows:
            self.values[pk] = (facet, value)
            self.by_value[(facet, value)] = pk
            if label:
                self.labels[pk] = label
            added = True
        if added or not self.facet_ids:
            by_facet: dict[str, list[int]] = {}
            for pk, (facet, _v) in self.values.items():
                by_facet.setdefault(facet, []).append(pk)
            self.facet_ids = {f: np.array(sorted(ids), np.int64) for f, ids in by_facet.items()}
            size = max(self.values, default=0) + 1
            for level in LEVELS:
                if len(self.counts[level]) < size:
                    grown = np.zeros(size, np.int64)
                    grown[: len(self.counts[level])] = self.counts[level]
                    self.counts[level] = grown

    def _add_name(self, sort_key: str) -> None:
        for word in sort_key.split():
            if len(word) > 1 and word not in self._name_set:
                self._name_set.add(word)
                self.names.append(word)

    def load(self) -> None:
        """Read every document once (the server does it before its workers fork)."""
        started = time.perf_counter()
        ensure_documents()
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(value), 0) FROM directory_searchsequence")
            seq = int(cursor.fetchone()[0])
            cursor.execute("SELECT COALESCE(MAX(person_id), 0) FROM directory_searchdocument")
            top = int(cursor.fetchone()[0])
        self._grow(top + 1)
        self._refresh_values()
        keys: list[tuple[bytes, int]] = []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT person_id, level, hidden, sort_key, facets FROM directory_searchdocument"
            )
            while True:
                batch = cursor.fetchmany(20_000)
                if not batch:
                    break
                for pid, level, hidden, sort_key, packed in batch:
                    self._set_row(pid, level, bool(hidden), packed, count=False)
                    if level == 0:
                        keys.append((sort_key.encode()[:_NAME_KEY], pid))
                        self._add_name(sort_key)
        keys.sort()
        self.sorted_keys = np.array([k for k, _p in keys], f"S{_NAME_KEY}")
        if keys:
            pids = np.fromiter((p for _k, p in keys), np.int64, len(keys))
            self.rank[pids] = np.arange(len(keys), dtype=np.float64)
        for level in LEVELS:
            self.counts[level] = self._count_all(level)
        self.last_seq = seq
        self.loaded_at = time.time()
        self.load_seconds = time.perf_counter() - started
        log.info("search facet columns loaded in %.1f s", self.load_seconds)

    def _count_all(self, level: int) -> np.ndarray:
        size = max(self.values, default=0) + 1
        rows = np.flatnonzero(self.present[level])
        return self._bincount(rows, level, size)

    def _bincount(self, rows: np.ndarray, level: int, size: int) -> np.ndarray:
        parts = [self.identity[rows].ravel(), self.guarded[level][rows].ravel()]
        values = np.concatenate(parts)
        values = values[values >= 0]
        return np.bincount(values, minlength=size).astype(np.int64)

    def _set_row(self, pid: int, level: int, hidden: bool, packed: Any, *, count: bool) -> None:
        row = np.frombuffer(bytes(packed), np.int32) if packed else np.full(WIDTH, -1, np.int32)
        if len(row) != WIDTH:
            row = np.full(WIDTH, -1, np.int32)
        if count and self.present[level][pid]:
            old = np.concatenate([self.identity[pid], self.guarded[level][pid]])
            old = old[old >= 0]
            np.subtract.at(self.counts[level], old, 1)
        self.present[level][pid] = not hidden
        if level == 0 or not hidden:
            self.identity[pid] = row[:IDENTITY_WIDTH]
        self.guarded[level][pid] = row[IDENTITY_WIDTH:]
        if count and not hidden:
            new = row[row >= 0]
            if len(new) and new.max() >= len(self.counts[level]):
                grown = np.zeros(int(new.max()) + 1, np.int64)
                grown[: len(self.counts[level])] = self.counts[level]
                self.counts[level] = grown
            np.add.at(self.counts[level], new, 1)

    # -- following writes ----------------------------------------------------------------

    def catch_up(self) -> int:
        """Apply the documents changed since the last call; returns how many."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT person_id, level, hidden, sort_key, facets, seq "
                "FROM directory_searchdocument WHERE seq > %s ORDER BY seq",
                [self.last_seq],
            )
            rows = cursor.fetchall()
        if not rows:
            return 0
        with self.lock:
            self._grow(max(r[0] for r in rows) + 1)
            self._refresh_values()
            for pid, level, hidden, sort_key, packed, seq in rows:
                if seq <= self.last_seq:
                    continue
                self._set_row(pid, level, bool(hidden), packed, count=True)
                if level == 0:
                    self._add_name(sort_key)
                    key = sort_key.encode()[:_NAME_KEY]
                    # Between the names loaded around it; ties with later edits keep id order.
                    self.rank[pid] = int(np.searchsorted(self.sorted_keys, key)) - 0.5
            self.last_seq = max(self.last_seq, max(r[5] for r in rows))
            self.applied += len(rows)
        return len(rows)

    # -- queries -------------------------------------------------------------------------

    def filter_mask(
        self,
        ids: np.ndarray,
        level: int,
        filters: Mapping[str, Collection[str]],
        vintage: tuple[int | None, int | None],
    ) -> np.ndarray:
        """Which of ``ids`` pass the filters (OR within a facet, AND across facets)."""
        keep = np.ones(len(ids), np.bool_)
        for facet, selected in filters.items():
            if not selected or facet not in SLOTS:
                continue
            wanted = [self.by_value[(facet, v)] for v in selected if (facet, v) in self.by_value]
            cols = self._columns(ids, level, facet)
            keep &= np.isin(cols, wanted).any(axis=1) if wanted else False
        lo, hi = vintage
        if lo is not None or hi is not None:
            years = self.facet_ids.get("year", np.zeros(0, np.int64))
            ok_years = [
                int(v)
                for v in years
                if (lo is None or int(self.values[int(v)][1]) >= lo)
                and (hi is None or int(self.values[int(v)][1]) <= hi)
            ]
            keep &= np.isin(self._columns(ids, level, "year"), ok_years).any(axis=1)
        return keep

    def _columns(self, ids: np.ndarray, level: int, facet: str) -> np.ndarray:
        start, end = SLOTS[facet]
        if start < IDENTITY_WIDTH:
            return self.identity[ids, start:end]
        return self.guarded[level][ids, start - IDENTITY_WIDTH : end - IDENTITY_WIDTH]

    def count(self, ids: np.ndarray | None, level: int) -> np.ndarray:
        """Facet value counts over ``ids`` (None: everyone the level may find)."""
        size = max(self.values, default=0) + 1
        if ids is None:
            counts = self.counts[level]
            if len(counts) < size:
                counts = np.concatenate([counts, np.zeros(size - len(counts), np.int64)])
            return counts
        return self._bincount(ids, level, size)


# -- the process's state -------------------------------------------------------------------

_state: FacetState | None = None
_state_lock = threading.Lock()


def state() -> FacetState:
    """This process's facet columns, loaded on first use and brought up to date."""
    global _state
    current = _state
    if current is None:
        with _state_lock:
            current = _state
            if current is None:
                current = FacetState()
                current.load()
                _state = current
    current.catch_up()
    return current


def forget() -> None:
    """Drop this process's columns (tests: a rolled-back transaction took documents away)."""
    global _state
    with _state_lock:
        _state = None


# -- the full-text engine ------------------------------------------------------------------


#: Field groups scored apart, and what a word found in each is worth (BM25F with saturated
#: frequencies: a word counts once per group, times its rarity). One query per word and group,
#: ids only, so that a word found in 100,000 profiles costs a list of ids, not 100,000 scores.
GROUPS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("name",), 4.0),
    (("organisations", "skills", "labs"), 2.0),
    (("titles", "thesis", "city"), 1.0),
)


def word_exists(level: int, word: fulltext.QueryWord) -> bool:
    """Whether one query word, as written, matches some document of the level."""
    return bool(_ids(level, word, fulltext.FIELDS, limit=1).size)


def _ids(
    level: int, word: fulltext.QueryWord, fields: tuple[str, ...], limit: int | None = None
) -> np.ndarray:
    tail = f" LIMIT {int(limit)}" if limit else ""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            expression = fulltext.fts5_word(word, fields)
            if not expression:
                return np.zeros(0, np.int64)
            table = fts_table(level)
            cursor.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH %s{tail}", [expression])
        else:
            expression = fulltext.tsquery_word(word, fields)
            if not expression:
                return np.zeros(0, np.int64)
            cursor.execute(
                "SELECT person_id FROM directory_searchdocument WHERE level = %s AND NOT hidden "
                f"AND tsv @@ to_tsquery('filon_search', %s){tail}",
                [level, expression],
            )
        rows = cursor.fetchall()
    return np.fromiter((r[0] for r in rows), np.int64, len(rows))


def match(level: int, words: list[fulltext.QueryWord], *, population: int = 0) -> Matches:
    """The people of the level matching every word (in some field), with their text scores.

    A word's score in a person is the sum, over the field groups where it is found, of the
    group's weight times the word's rarity, ``idf = ln(1 + (N - n + 0.5) / (n + 0.5))`` for
    ``n`` people holding it among ``N`` (Robertson and Zaragoza, 2009); words add up.
    """
    found: np.ndarray | None = None
    per_word: list[tuple[list[tuple[np.ndarray, float]], np.ndarray]] = []
    for word in words:
        groups = [(_ids(level, word, fields), weight) for fields, weight in GROUPS]
        union = np.unique(np.concatenate([ids for ids, _w in groups]))
        per_word.append((groups, union))
        found = union if found is None else np.intersect1d(found, union, assume_unique=True)
        if not found.size:
            return Matches(np.zeros(0, np.int64), np.zeros(0, np.float64))
    assert found is not None
    n_total = max(population, int(found.size), 1)
    scores = np.zeros(found.size, np.float64)
    for groups, union in per_word:
        n = int(union.size)
        idf = float(np.log1p((max(n_total, n) - n + 0.5) / (n + 0.5)))
        for ids, weight in groups:
            scores += weight * idf * np.isin(found, ids, assume_unique=True)
    return Matches(found, scores)


def relevance(level: int, word: fulltext.QueryWord, *, population: int = 0) -> Matches:
    """The people of the level holding one word, scored by the engine's own relevance.

    BM25 with field weights (FTS5's ``bm25``) on SQLite; on PostgreSQL ``ts_rank`` with the
    weight classes, times the word's rarity among the ``population`` (ts_rank knows no idf):
    term frequency counts, unlike :func:`match`. Dearer per match
    (about 2.5 µs a row), so it serves rankings over a few words (the targeted contacts),
    never the directory page.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            expression = fulltext.fts5_word(word)
            table = fts_table(level)
            weights = ", ".join(str(fulltext.DEFAULT_WEIGHTS[f]) for f in fulltext.FIELDS)
            cursor.execute(
                f"SELECT rowid, -bm25({table}, {weights}) FROM {table} WHERE {table} MATCH %s",
                [expression],
            )
        else:
            cursor.execute(
                "SELECT person_id, ts_rank(%s, tsv, q) FROM directory_searchdocument, "
                "to_tsquery('filon_search', %s) q WHERE level = %s AND NOT hidden AND tsv @@ q",
                [fulltext.PG_WEIGHTS, fulltext.tsquery_word(word), level],
            )
        rows = cursor.fetchall()
    ids = np.fromiter((r[0] for r in rows), np.int64, len(rows))
    scores = np.fromiter((r[1] for r in rows), np.float64, len(rows))
    if connection.vendor != "sqlite" and len(rows):
        n = len(rows)
        scores *= float(np.log1p((max(population, n) - n + 0.5) / (n + 0.5)))
    return Matches(ids, scores)
