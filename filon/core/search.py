"""Directory search: a BM25F index over people in sparse arrays, with facets.

The index is built once from plain :class:`Doc` records (the Django adapter decides what each
audience may see *before* building it) and answers :meth:`SearchIndex.search` from memory:

- text is folded (accents, case, punctuation: "saint etienne" finds "Saint-Étienne") and each
  word is indexed under its French and its English Snowball stem ("télédétections" finds
  "télédétection", "alliages" finds "alliage", "alloys" finds "alloy"); names are indexed
  as folded words, never stemmed ("Martin" must not find "Martine");
- a query word found in no field is read as a misspelt name and expanded to the name words
  one edit away ("dumaz" finds "Dumas"); the last query word, when it is not a full word,
  is read as a prefix (so that results follow typing);
- every query word must match some field (AND); the score is BM25F over the weighted fields,
  with a bonus where adjacent query words are adjacent in a field;
- each hit explains which fields matched, with which words, and the field text cut into
  highlighted segments;
- facet counts (school, track, decade…) are computed over the filtered matched set with
  :func:`numpy.bincount`; selecting facet values restricts the set (OR within a facet, AND
  across facets), and an empty query lists everyone matching the filters by name.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
import threading
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from scipy import sparse

from filon.core.text import fold

#: The searchable fields of a person, in display order.
FIELDS: tuple[str, ...] = ("name", "organisations", "titles", "thesis", "skills", "labs", "city")

#: How much a word found in each field counts (BM25F field weights).
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "name": 4.0,
    "organisations": 2.0,
    "titles": 1.0,
    "thesis": 1.2,
    "skills": 1.5,
    "labs": 1.5,
    "city": 1.2,
}

#: BM25 length normalisation per field: lists (skills, employers) are not penalised for being
#: long the way prose is; a city is a city.
DEFAULT_B: Mapping[str, float] = {
    "name": 0.5,
    "organisations": 0.3,
    "titles": 0.5,
    "thesis": 0.75,
    "skills": 0.3,
    "labs": 0.3,
    "city": 0.0,
}

#: Words too common to mean anything, dropped from documents and queries alike.
STOPWORDS = frozenset(
    {
        # French
        "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "en", "et", "la", "le",
        "les", "leur", "ou", "par", "pour", "sa", "se", "ses", "sur", "un", "une",
        # English
        "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with",
    }
)  # fmt: skip

#: Weight of a term reached by a prefix or a one-edit name correction rather than exactly.
PREFIX_WEIGHT = 0.8
TYPO_WEIGHT = 0.5
#: Weight of the bonus for adjacent query words found adjacent in a field (a phrase).
PAIR_WEIGHT = 2.0
MIN_PREFIX = 3
MIN_TYPO = 4
MAX_PREFIX_TERMS = 200

_WORD = re.compile(r"[^\W_]+")
_NAME_PREFIX = "n:"
_PAIR_PREFIX = "b:"
_SNIPPET = 200


@dataclass(frozen=True)
class Doc:
    """One person as an audience may see them.

    ``fields`` maps field names of :data:`FIELDS` to text (a missing or empty field is not
    searchable); ``facets`` maps facet names to the person's values; ``years`` are diploma
    years (they give the ``decade`` facet and the vintage range filter); ``sort_key`` orders
    results when there is no query.
    """

    id: int
    fields: Mapping[str, str]
    sort_key: str = ""
    facets: Mapping[str, Collection[str]] = field(default_factory=dict)
    years: Collection[int] = ()


@dataclass(frozen=True)
class FieldMatch:
    """What matched in one field: the words as written, and the text cut into segments."""

    field: str
    words: tuple[str, ...]
    segments: tuple[tuple[str, bool], ...]  # (text, is a match)


@dataclass(frozen=True)
class Hit:
    id: int
    score: float
    matches: tuple[FieldMatch, ...]


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class SearchResult:
    total: int
    page: int
    pages: int
    per_page: int
    hits: tuple[Hit, ...]
    facets: Mapping[str, tuple[FacetValue, ...]]


class _Stemmers(threading.local):
    """Snowball stemmer objects are not safe to share between threads."""

    def __init__(self) -> None:
        self.fr = Stemmer.Stemmer("french")
        self.en = Stemmer.Stemmer("english")


_stemmers = _Stemmers()


def words(text: str) -> list[tuple[int, int, str]]:
    """The words of ``text`` as (start, end, folded word), stop words and single letters out.

    >>> words("Alliages d'aluminium, Saint-Étienne")
    [(0, 8, 'alliages'), (11, 20, 'aluminium'), (22, 27, 'saint'), (28, 35, 'etienne')]
    """
    out = []
    for match in _WORD.finditer(text):
        for token in _tokens(match.group()):
            out.append((match.start(), match.end(), token))
    return out


@functools.lru_cache(maxsize=200_000)
def _tokens(word: str) -> tuple[str, ...]:
    # Words repeat (first names, employers, titles): folding each spelling once saves most of
    # the build time.
    return tuple(t for t in fold(word).split() if len(t) > 1 and t not in STOPWORDS)


def terms_of(token: str, *, name: bool = False) -> tuple[str, ...]:
    """The index terms of one folded word: its French and English stems, or the name itself.

    >>> terms_of("teledetections")
    ('teledetect',)
    >>> terms_of("alloys")
    ('alloy',)
    >>> terms_of("dumas", name=True)
    ('n:dumas',)
    """
    if name:
        return (_NAME_PREFIX + token,)
    fr, en = _stemmers.fr.stemWord(token), _stemmers.en.stemWord(token)
    return (fr,) if fr == en else (fr, en)


def _segments(text: str, spans: list[tuple[int, int]]) -> tuple[tuple[str, bool], ...]:
    """Cut ``text`` around the matched spans; long texts are cropped around the first match."""
    start, end = 0, len(text)
    if end > _SNIPPET:
        first = spans[0][0]
        start = max(0, first - _SNIPPET // 3)
        if start:
            space = text.rfind(" ", 0, start)
            start = space + 1 if space >= 0 and start - space < 20 else start
        end = min(len(text), start + _SNIPPET)
    out: list[tuple[str, bool]] = [("…", False)] if start else []
    pos = start
    for s, e in spans:
        if s < pos or e > end:
            continue
        if s > pos:
            out.append((text[pos:s], False))
        out.append((text[s:e], True))
        pos = e
    if pos < end:
        out.append((text[pos:end], False))
    if end < len(text):
        out.append(("…", False))
    return tuple(out)


class SearchIndex:
    """A BM25F index over people, with faceted filtering and counting.

    Parameters
    ----------
    docs : iterable of Doc
        The people to index, as the audience of this index may see them.
    weights : mapping, optional
        Weight of each field of :data:`FIELDS` (default :data:`DEFAULT_WEIGHTS`).
    k1 : float
        BM25 term-frequency saturation.
    b : mapping, optional
        BM25 length normalisation of each field (default :data:`DEFAULT_B`).
    facet_limits : mapping, optional
        Facets whose values are cut to the top N by count (``{"organisation": 10}``).
    ordered_facets : collection of str
        Facets listed by value (school letters, decades) rather than by count.

    Notes
    -----
    Build: every field text is tokenised once (texts repeat across people — employers,
    titles, cities — and are memoised), then one weighted term × person matrix ``W`` is
    assembled in a :class:`scipy.sparse.csr_array`: each occurrence of a term in field
    ``f`` of person ``d`` adds ``w_f / (1 - b_f + b_f·len_f(d)/avg_len_f)``. The BM25F score of
    a term is then precomputed once per non-zero, ``idf(t)·(k1+1)·W/(k1+W)`` (Robertson and
    Zaragoza, *The Probabilistic Relevance Framework: BM25 and Beyond*, 2009, §3.7). Each
    pair of adjacent words is a term too, used only as a ranking bonus for phrases. Building
    is O(total words); the matrix holds one entry per distinct (term, person).

    Query: each query word becomes a few term rows (exact stems; else prefixes of the last
    word and names one edit away, found by :func:`rapidfuzz.process.extract` over the name
    vocabulary); a row is a CSR slice, i.e. the posting list, so a query costs
    O(Σ posting lengths + n) with n people (dense score and mask vectors of length n).
    Facets: each facet is a list of (person, value) pairs; counting over a mask of matched
    people is one :func:`numpy.bincount`, O(pairs). Sorting the matches is O(m log m).

    Examples
    --------
    >>> docs = [
    ...     Doc(1, {"name": "Claire Dumas", "thesis": "Télédétection des séries temporelles",
    ...             "city": "Sophia Antipolis"}, "dumas claire",
    ...         {"school": ["P"], "track": ["docteur"]}, [2019]),
    ...     Doc(2, {"name": "Bernard Vasseur", "titles": "Ingénieur, alliages d'aluminium",
    ...             "organisations": "Pechiney", "city": "Versailles"}, "vasseur bernard",
    ...         {"school": ["P"], "track": ["ingenieur_civil"]}, [1958]),
    ...     Doc(3, {"name": "Étienne Marchal", "skills": "Python · Télédétection",
    ...             "city": "Saint-Étienne"}, "marchal etienne",
    ...         {"school": ["E"], "track": ["ingenieur_civil"]}, [2005]),
    ... ]
    >>> index = SearchIndex(docs)
    >>> sorted(hit.id for hit in index.search("teledetections").hits)
    [1, 3]
    >>> [hit.id for hit in index.search("saint etienne").hits]
    [3]
    >>> hit = index.search("dumaz").hits[0]
    >>> hit.id, hit.matches[0].field, hit.matches[0].words
    (1, 'name', ('Dumas',))
    >>> index.search("alliage").hits[0].matches[0].segments
    (('Ingénieur, ', False), ('alliages', True), (" d'aluminium", False))
    >>> result = index.search("", filters={"school": ["P"]})
    >>> [hit.id for hit in result.hits], result.facets["track"]
    ([1, 2], (FacetValue(value='docteur', count=1, selected=False), \
FacetValue(value='ingenieur_civil', count=1, selected=False)))
    >>> [(v.value, v.count) for v in index.search("", vintage=(1950, 2010)).facets["decade"]]
    [('1950', 1), ('2000', 1)]
    """

    def __init__(
        self,
        docs: Iterable[Doc],
        *,
        weights: Mapping[str, float] = DEFAULT_WEIGHTS,
        k1: float = 1.2,
        b: Mapping[str, float] = DEFAULT_B,
        facet_limits: Mapping[str, int] | None = None,
        ordered_facets: Collection[str] = ("decade",),
    ) -> None:
        self._docs: list[Doc] = [
            Doc(
                d.id,
                {f: unicodedata.normalize("NFC", t) for f, t in d.fields.items() if t},
                d.sort_key,
                d.facets,
                d.years,
            )
            for d in docs
        ]
        self.facet_limits = dict(facet_limits or {})
        self.ordered_facets = frozenset(ordered_facets)
        n = len(self._docs)
        self._vocab: dict[str, int] = {}
        self._surface: dict[str, set[int]] = {}  # folded word → its term ids (for prefixes)
        self._term_cache: dict[tuple[bool, str], tuple[int, ...]] = {}
        memo: dict[tuple[bool, str], tuple[list[int], int]] = {}

        term_ids: list[int] = []
        seg_doc: list[int] = []
        seg_field: list[int] = []
        seg_count: list[int] = []
        lengths = np.zeros((len(FIELDS), max(n, 1)), dtype=np.float64)
        for i, doc in enumerate(self._docs):
            for fi, name in enumerate(FIELDS):
                text = doc.fields.get(name)
                if not text:
                    continue
                key = (name == "name", text)
                cached = memo.get(key)
                if cached is None:
                    cached = self._tokenise(text, name=key[0])
                    memo[key] = cached
                ids, n_words = cached
                if not ids:
                    continue
                lengths[fi, i] = n_words
                term_ids += ids
                seg_doc.append(i)
                seg_field.append(fi)
                seg_count.append(len(ids))

        n_terms = len(self._vocab)
        field_w = np.array([weights.get(f, 1.0) for f in FIELDS])
        field_b = np.array([b.get(f, 0.75) for f in FIELDS])
        present = np.maximum((lengths > 0).sum(axis=1), 1)
        avg = np.maximum(lengths.sum(axis=1) / present, 1e-9)
        sd, sf = np.array(seg_doc, dtype=np.int64), np.array(seg_field, dtype=np.int64)
        norm = 1 - field_b[sf] + field_b[sf] * lengths[sf, sd] / avg[sf]
        coef = np.repeat(field_w[sf] / norm, seg_count)
        cols = np.repeat(sd, seg_count)
        rows = np.array(term_ids, dtype=np.int64)
        matrix = sparse.csr_array(
            (coef.astype(np.float32), (rows, cols)), shape=(n_terms, max(n, 1))
        )
        matrix.sum_duplicates()
        matrix.sort_indices()
        df = np.diff(matrix.indptr)
        idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        row_of = np.repeat(np.arange(n_terms), df)
        w = matrix.data
        matrix.data = (idf[row_of] * (k1 + 1) * w / (k1 + w)).astype(np.float32)
        #: term × person BM25F scores; a row is a posting list.
        self.postings = matrix
        self.n = n

        self._sorted_surface = sorted(self._surface)
        self._names = sorted(
            t[len(_NAME_PREFIX) :] for t in self._vocab if t.startswith(_NAME_PREFIX)
        )
        keys = [(d.sort_key, d.id) for d in self._docs]
        self._by_name = np.array(sorted(range(n), key=keys.__getitem__), dtype=np.int64)
        self._rank = np.empty(n, dtype=np.int64)
        self._rank[self._by_name] = np.arange(n)
        self._build_facets()

    # -- building ----------------------------------------------------------------------
    def _tokenise(self, text: str, *, name: bool) -> tuple[list[int], int]:
        ids: list[int] = []
        found = words(text)
        previous = ""
        for _s, _e, token in found:
            term_ids = self._term_ids(token, name=name, add=True)
            ids += term_ids
            self._surface.setdefault(token, set()).update(term_ids)
            # Adjacent words also form a pair term, so that "saint etienne" ranks the
            # people of Saint-Étienne above an Étienne working at Saint-Gobain.
            first = terms_of(token, name=name)[0]
            if previous:
                pair = f"{_PAIR_PREFIX}{previous} {first}"
                tid = self._vocab.get(pair)
                if tid is None:
                    tid = self._vocab[pair] = len(self._vocab)
                ids.append(tid)
            previous = first
        return ids, len(found)

    def _term_ids(self, token: str, *, name: bool, add: bool = False) -> tuple[int, ...]:
        key = (name, token)
        cached = self._term_cache.get(key)
        if cached is not None:
            return cached
        out: list[int] = []
        for term in terms_of(token, name=name):
            tid = self._vocab.get(term)
            if tid is None and add:
                tid = self._vocab[term] = len(self._vocab)
            if tid is not None:
                out.append(tid)
        result = tuple(out)
        if add or out:
            self._term_cache[key] = result
        return result

    def _build_facets(self) -> None:
        values: dict[str, dict[str, int]] = {}
        pairs: dict[str, tuple[list[int], list[int]]] = {}
        year_docs: list[int] = []
        year_vals: list[int] = []
        for i, doc in enumerate(self._docs):
            facets = dict(doc.facets)
            if doc.years:
                facets["decade"] = {str(y // 10 * 10) for y in doc.years}
                year_docs += [i] * len(doc.years)
                year_vals += list(doc.years)
            for name, vals in facets.items():
                ids = values.setdefault(name, {})
                docs_, vals_ = pairs.setdefault(name, ([], []))
                for v in set(vals):
                    if v == "":
                        continue
                    docs_.append(i)
                    vals_.append(ids.setdefault(v, len(ids)))
        self._facet_values = {name: list(ids) for name, ids in values.items()}
        self._facet_ids = values
        self._facet_pairs = {
            name: (np.array(d, dtype=np.int64), np.array(v, dtype=np.int64))
            for name, (d, v) in pairs.items()
        }
        # Alphabetical rank of each value, to break ties between equal counts.
        self._facet_rank = {}
        for name, labels in self._facet_values.items():
            rank = np.empty(len(labels), dtype=np.int64)
            rank[np.argsort(np.array(labels, dtype=object))] = np.arange(len(labels))
            self._facet_rank[name] = rank
        self._year_docs = np.array(year_docs, dtype=np.int64)
        self._year_vals = np.array(year_vals, dtype=np.int64)

    # -- querying ----------------------------------------------------------------------
    def facet_names(self) -> list[str]:
        return list(self._facet_values)

    def query_terms(self, query: str) -> list[list[tuple[int, float]]]:
        """Each query word's term rows with their weights (empty list: the word matches nothing).

        >>> index = SearchIndex([Doc(1, {"name": "Claire Dumas"})])
        >>> [[index.term(t) for t, _w in row] for row in index.query_terms("dumaz cla")]
        [['n:dumas'], ['n:claire']]
        """
        tokens = [t for _s, _e, t in words(query)]
        last_is_partial = bool(query) and not query[-1].isspace()
        out: list[list[tuple[int, float]]] = []
        for pos, token in enumerate(tokens):
            exact = set(self._term_ids(token, name=True)) | set(self._term_ids(token, name=False))
            if exact:
                out.append([(t, 1.0) for t in sorted(exact)])
                continue
            found: dict[int, float] = {}
            if pos == len(tokens) - 1 and last_is_partial and len(token) >= MIN_PREFIX:
                start = bisect.bisect_left(self._sorted_surface, token)
                for word in self._sorted_surface[start : start + MAX_PREFIX_TERMS]:
                    if not word.startswith(token):
                        break
                    for t in self._surface[word]:
                        found[t] = PREFIX_WEIGHT
            if len(token) >= MIN_TYPO and not token.isdigit():
                for name, _d, _i in process.extract(
                    token, self._names, scorer=Levenshtein.distance, score_cutoff=1, limit=None
                ):
                    t = self._vocab[_NAME_PREFIX + name]
                    found[t] = max(found.get(t, 0.0), TYPO_WEIGHT)
            out.append(sorted(found.items()))
        return out

    def _pair_terms(self, query: str) -> list[int]:
        """The pair terms of adjacent query words (a ranking bonus, never a requirement)."""
        tokens = [t for _s, _e, t in words(query)]
        out = []
        for a, b in itertools.pairwise(tokens):
            for name in (True, False):
                pair = f"{_PAIR_PREFIX}{terms_of(a, name=name)[0]} {terms_of(b, name=name)[0]}"
                if pair in self._vocab:
                    out.append(self._vocab[pair])
        return out

    def term(self, term_id: int) -> str:
        """The text of a term id (for explanations and tests)."""
        if not hasattr(self, "_terms"):
            self._terms = list(self._vocab)
        return self._terms[term_id]

    def search(
        self,
        query: str = "",
        *,
        filters: Mapping[str, Collection[str]] | None = None,
        vintage: tuple[int | None, int | None] | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> SearchResult:
        """The page of people matching ``query`` and the filters, with the facet counts.

        Parameters
        ----------
        query : str
            Free text; every word must match some field. Empty: everyone, sorted by name.
        filters : mapping of facet name to selected values
            OR within a facet, AND across facets. Unknown values match nobody.
        vintage : (first year, last year), optional
            Keep people with a diploma year in the inclusive range (None: open end).
        page, per_page : int
            1-based page, clamped to the last page.

        Notes
        -----
        O(Σ posting lengths + n + facet pairs + m log m) for n people and m matches.
        """
        n = self.n
        rows = self.query_terms(query)
        mask = np.ones(n, dtype=bool)
        scores = np.zeros(n, dtype=np.float32)
        matched_terms: set[int] = set()
        indptr, indices, data = self.postings.indptr, self.postings.indices, self.postings.data
        for row in rows:
            word = np.zeros(n, dtype=np.float32)
            for t, weight in row:
                s, e = indptr[t], indptr[t + 1]
                idx = indices[s:e]
                word[idx] = np.maximum(word[idx], data[s:e] * weight)
                matched_terms.add(t)
            mask &= word > 0
            scores += word
        for t in self._pair_terms(query):
            s, e = indptr[t], indptr[t + 1]
            scores[indices[s:e]] += PAIR_WEIGHT * data[s:e]
        mask &= self._filter_mask(filters or {}, vintage)
        facets = self._count_facets(mask, filters or {})

        if rows:
            idx = np.flatnonzero(mask)
            idx = idx[np.lexsort((self._rank[idx], -scores[idx]))]
        else:
            idx = self._by_name[mask[self._by_name]]
        total = int(idx.size)
        per_page = max(1, per_page)
        pages = max(1, math.ceil(total / per_page))
        page = min(max(1, page), pages)
        chosen = idx[(page - 1) * per_page : page * per_page]
        hits = tuple(
            Hit(self._docs[i].id, float(scores[i]), self._explain(int(i), matched_terms))
            for i in chosen
        )
        return SearchResult(total, page, pages, per_page, hits, facets)

    def _filter_mask(
        self,
        filters: Mapping[str, Collection[str]],
        vintage: tuple[int | None, int | None] | None,
    ) -> np.ndarray:
        mask = np.ones(self.n, dtype=bool)
        for name, selected in filters.items():
            if not selected:
                continue
            ids = self._facet_ids.get(name, {})
            wanted = [ids[v] for v in selected if v in ids]
            ok = np.zeros(self.n, dtype=bool)
            if wanted:
                docs, vals = self._facet_pairs[name]
                ok[docs[np.isin(vals, wanted)]] = True
            mask &= ok
        if vintage and (vintage[0] is not None or vintage[1] is not None):
            lo = vintage[0] if vintage[0] is not None else -(10**9)
            hi = vintage[1] if vintage[1] is not None else 10**9
            ok = np.zeros(self.n, dtype=bool)
            inside = (self._year_vals >= lo) & (self._year_vals <= hi)
            ok[self._year_docs[inside]] = True
            mask &= ok
        return mask

    def _count_facets(
        self, mask: np.ndarray, filters: Mapping[str, Collection[str]]
    ) -> dict[str, tuple[FacetValue, ...]]:
        out: dict[str, tuple[FacetValue, ...]] = {}
        for name, (docs, vals) in self._facet_pairs.items():
            labels = self._facet_values[name]
            counts = np.bincount(vals[mask[docs]], minlength=len(labels))
            nonzero = np.flatnonzero(counts)
            rank = self._facet_rank[name]
            if name in self.ordered_facets:
                order = nonzero[np.argsort(rank[nonzero])]
            else:
                order = nonzero[np.lexsort((rank[nonzero], -counts[nonzero]))]
                limit = self.facet_limits.get(name)
                if limit is not None:
                    order = order[:limit]
            selected = set(filters.get(name, ()))
            shown = [FacetValue(labels[v], int(counts[v]), labels[v] in selected) for v in order]
            # A selected value stays listed (to be unselected) even when cut or at zero.
            listed = {v.value for v in shown}
            ids = self._facet_ids[name]
            shown += [
                FacetValue(v, int(counts[ids[v]]) if v in ids else 0, True)
                for v in sorted(selected - listed)
            ]
            out[name] = tuple(shown)
        return out

    def _explain(self, i: int, matched_terms: set[int]) -> tuple[FieldMatch, ...]:
        if not matched_terms:
            return ()
        out = []
        for name in FIELDS:
            text = self._docs[i].fields.get(name)
            if not text:
                continue
            spans = [
                (s, e)
                for s, e, token in words(text)
                if matched_terms.intersection(self._term_ids(token, name=name == "name"))
            ]
            if spans:
                seen = dict.fromkeys(text[s:e] for s, e in spans)
                out.append(FieldMatch(name, tuple(seen), _segments(text, spans)))
        return tuple(out)

    def __len__(self) -> int:
        return self.n

    @functools.cached_property
    def doc_ids(self) -> np.ndarray:
        """The id of the person at each position of the index (columns of ``postings``)."""
        return np.array([d.id for d in self._docs], dtype=np.int64)
