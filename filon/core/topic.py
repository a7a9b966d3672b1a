"""« Qui paie pour mon sujet ? »: funded projects ranked by closeness to a member's subject.

The words are the directory search's (:mod:`filon.core.fulltext`): folded, stop words out, each
word indexed under its French and English Snowball stems, so « télédétection » meets
« Télédétections » and « détection de changements » meets « change detection ». The index is
built once per process from plain :class:`ProjectDoc` records and answers from memory:

- a project is a row of a sparse matrix over stems; its value for a stem is BM25F: the word
  counts of the weighted fields (:data:`FIELD_WEIGHTS`: title, acronym, topic, objective,
  programme, call), each normalised by its field's length, saturated, times the stem's
  inverse document frequency — a word that few projects carry counts more than one that
  many do;
- a subject (:class:`Subject`: thesis title, discipline, abstract, competences, desires…) is
  a weighted vector over the same stems; ranking is one sparse product over the query's
  columns, then the top-k;
- each match says why, in the project's own words: runs of matched words as written
  (« Earth Observation », « Sentinel »), the rarest first.

Re-analysing a project is the only per-project cost of a change: :meth:`TopicIndex.build`
reuses the analysis of every unchanged record of a previous index.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from filon.core.search import terms_of, words
from filon.core.text import fold

#: The searchable fields of a funded project and how much a word found in each counts.
FIELD_WEIGHTS: Mapping[str, float] = {
    "title": 3.0,
    "acronym": 2.0,
    "topic": 2.0,
    "objective": 1.0,
    "programme": 1.0,
    "call": 0.5,
}
#: Length normalisation per field (BM25 ``b``): a long objective is diluted, an acronym not.
FIELD_B: Mapping[str, float] = {
    "title": 0.5,
    "acronym": 0.0,
    "topic": 0.5,
    "objective": 0.75,
    "programme": 0.2,
    "call": 0.0,
}
K1 = 1.2

#: The parts of a member's subject and how much each counts in the query.
SUBJECT_WEIGHTS: Mapping[str, float] = {
    "thesis": 3.0,
    "discipline": 2.0,
    "keywords": 2.0,
    "competences": 1.5,
    "abstract": 1.0,
    "headline": 1.0,
    "desires": 0.8,
}
#: A query stem's weight saturates: a word repeated through the abstract is not ten words.
QUERY_SATURATION = 3.0
#: Fields whose matched words are quoted as reasons, in this order of preference.
REASON_FIELDS = ("title", "acronym", "topic", "objective", "programme")
MAX_REASON_WORDS = 4

_BREAK = re.compile(r"[,;:.()|!?«»\"\[\]]")


#: Small words that keep two matched words together as one phrase.
_JOINING = frozenset({"de", "la", "le", "du", "des", "d", "l"})


def _glue(between: str) -> bool:
    """Whether two matched words belong together: only spaces, dashes, apostrophes or « de
    la » between them (« observation de la Terre », « Sentinel-2 »)."""
    if _BREAK.search(between):
        return False
    return all(fold(w) in _JOINING or w.isdigit() for w in re.findall(r"[^\W_]+", between))


@dataclass(frozen=True)
class ProjectDoc:
    """One funded project: ``fields`` maps names of :data:`FIELD_WEIGHTS` to text."""

    id: int
    fields: Mapping[str, str]


@dataclass(frozen=True)
class Subject:
    """What a member works on: ``parts`` maps names of :data:`SUBJECT_WEIGHTS` to text."""

    parts: Mapping[str, str]

    def vector(self) -> dict[str, float]:
        """Stem → weight of the query."""
        raw: dict[str, float] = {}
        for part, text in self.parts.items():
            weight = SUBJECT_WEIGHTS.get(part, 1.0)
            for stems in (terms_of(token) for _s, _e, token in words(text)):
                for stem in stems:
                    raw[stem] = raw.get(stem, 0.0) + weight / len(stems)
        return {
            s: QUERY_SATURATION * w / (w + QUERY_SATURATION) * (1 + QUERY_SATURATION) / 2
            for s, w in raw.items()
        }


@dataclass(frozen=True)
class _Analysis:
    """A project's fields as stem counts and lengths: what the index keeps of a record."""

    fields: Mapping[str, str]
    counts: Mapping[str, Mapping[str, float]]  # field → stem → count
    lengths: Mapping[str, int]


def _analyse(doc: ProjectDoc) -> _Analysis:
    counts: dict[str, dict[str, float]] = {}
    lengths: dict[str, int] = {}
    for name, text in doc.fields.items():
        if name not in FIELD_WEIGHTS or not text:
            continue
        found: dict[str, float] = {}
        tokens = words(text)
        for _s, _e, token in tokens:
            stems = terms_of(token)
            for stem in stems:
                found[stem] = found.get(stem, 0.0) + 1.0 / len(stems)
        counts[name] = found
        lengths[name] = len(tokens)
    return _Analysis(dict(doc.fields), counts, lengths)


@dataclass(frozen=True)
class Match:
    """A ranked project: its id, score and the words it shares with the subject."""

    id: int
    score: float
    words: tuple[str, ...]


@dataclass
class TopicIndex:
    """Funded projects over stems, in a sparse matrix (projects × stems, compressed by column)."""

    ids: np.ndarray
    matrix: sparse.csc_array
    vocabulary: dict[str, int]
    idf: np.ndarray
    analyses: dict[int, _Analysis] = field(repr=False)

    @classmethod
    def build(cls, docs: Iterable[ProjectDoc], *, previous: TopicIndex | None = None) -> TopicIndex:
        """The index of ``docs``; the analysis of a record unchanged since ``previous`` is
        reused (only new or edited projects are read word by word again)."""
        known = previous.analyses if previous is not None else {}
        analyses: dict[int, _Analysis] = {}
        for doc in docs:
            old = known.get(doc.id)
            analyses[doc.id] = (
                old if old is not None and old.fields == doc.fields else _analyse(doc)
            )
        ids = np.fromiter(analyses, dtype=np.int64, count=len(analyses))
        n = len(ids)
        avg = {
            f: max(1.0, sum(a.lengths.get(f, 0) for a in analyses.values()) / max(1, n))
            for f in FIELD_WEIGHTS
        }
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        for row, a in enumerate(analyses.values()):
            tf: dict[str, float] = {}
            for name, found in a.counts.items():
                b = FIELD_B[name]
                norm = FIELD_WEIGHTS[name] / (1 - b + b * a.lengths[name] / avg[name])
                for stem, count in found.items():
                    tf[stem] = tf.get(stem, 0.0) + count * norm
            for stem, value in tf.items():
                rows.append(row)
                cols.append(vocabulary.setdefault(stem, len(vocabulary)))
                values.append(value * (K1 + 1) / (value + K1))
        col_array = np.asarray(cols, dtype=np.int64)
        df = np.bincount(col_array, minlength=len(vocabulary)).astype(np.float64)
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        data = np.asarray(values, dtype=np.float64) * idf[col_array]
        matrix = sparse.csc_array(
            (data.astype(np.float32), (np.asarray(rows, dtype=np.int64), col_array)),
            shape=(n, len(vocabulary)),
        )
        return cls(ids, matrix, vocabulary, idf, analyses)

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, vector: Mapping[str, float]) -> np.ndarray:
        """The score of every project (in :attr:`ids` order) against a query vector."""
        cols = [self.vocabulary[s] for s in vector if s in self.vocabulary]
        if not cols or not len(self.ids):
            return np.zeros(len(self.ids), dtype=np.float32)
        weights = np.asarray([vector[s] for s in vector if s in self.vocabulary], dtype=np.float32)
        return np.asarray(self.matrix[:, cols] @ weights, dtype=np.float32)

    def rank(
        self,
        subject: Subject,
        *,
        top: int = 20,
        bonus: Mapping[int, float] | None = None,
        only: Iterable[int] | None = None,
    ) -> list[Match]:
        """The ``top`` projects closest to ``subject``, best first (ties: smaller id first).

        ``bonus`` multiplies the score of projects that share words with the subject (1.0 adds
        as much again); ``only`` restricts the ranking to these project ids.
        """
        vector = subject.vector()
        scores = self.scores(vector)
        if bonus:
            position = {int(i): k for k, i in enumerate(self.ids)}
            for pid, extra in bonus.items():
                k = position.get(pid)
                if k is not None and scores[k] > 0:
                    scores[k] *= 1.0 + extra
        if only is not None:
            keep = np.isin(self.ids, np.fromiter(only, dtype=np.int64))
            scores = np.where(keep, scores, 0.0)
        found = np.flatnonzero(scores > 0)
        if not len(found):
            return []
        if len(found) > top:
            part = np.argpartition(-scores[found], top - 1)[:top]
            found = found[part]
        order = sorted(found, key=lambda k: (-float(scores[k]), int(self.ids[k])))
        return [
            Match(int(self.ids[k]), float(scores[k]), self.shared_words(int(self.ids[k]), vector))
            for k in order
        ]

    def shared_words(self, project_id: int, vector: Mapping[str, float]) -> tuple[str, ...]:
        """The project's words (as written, adjacent ones kept together: « Earth Observation »)
        that the query holds, the most telling first."""
        analysis = self.analyses.get(project_id)
        if analysis is None:
            return ()
        weight: dict[tuple[str, ...], float] = {}
        shown: dict[tuple[str, ...], str] = {}
        for name in REASON_FIELDS:
            text = analysis.fields.get(name, "")
            run: list[tuple[int, int, str, float]] = []
            for start, end, token in [*words(text), (-1, -1, "")]:
                stems = (
                    [s for s in terms_of(token) if s in vector and s in self.vocabulary]
                    if token
                    else []
                )
                glued = bool(run) and start >= 0 and _glue(text[run[-1][1] : start])
                if run and not (stems and glued):
                    key = tuple(dict.fromkeys(r[2] for r in run))
                    value = sum(r[3] for r in run)
                    if value > weight.get(key, 0.0):
                        weight[key], shown[key] = value, text[run[0][0] : run[-1][1]]
                    run = []
                if stems:
                    value = max(float(self.idf[self.vocabulary[s]]) * vector[s] for s in stems)
                    run.append((start, end, stems[0], value))
        out: list[str] = []
        taken: list[set[str]] = []
        for key in sorted(weight, key=lambda k: (-weight[k], k)):
            # « Earth Observation » already says « Earth »; « systems » says « system ».
            if any(set(key) <= t for t in taken):
                continue
            out.append(shown[key])
            taken.append(set(key))
            if len(out) >= MAX_REASON_WORDS:
                break
        return tuple(out)
