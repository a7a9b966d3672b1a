"""Matching asks and offers of help: scores with the reasons behind them.

Pure and narrow: the Django side (:mod:`filon.outreach.matching`) turns asks, offers and people
into :class:`Profile` records — already reduced to what the viewer may see — and turns each
:class:`Reason` into a sentence. Text is compared with the search core's own words and stems
(:func:`filon.core.search.words`, :func:`filon.core.search.terms_of`): "satellites" meets
"satellite", "Télédétection" meets "teledetection".
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from filon.core.search import terms_of, words

#: Points of each kind of reason (text similarity is scaled by its cosine, 0 to 1).
WEIGHTS: Mapping[str, float] = {
    "text": 4.0,
    "organisation": 2.0,
    "skill": 1.5,
    "sector": 1.0,
    "kind": 1.0,
    "promo": 0.75,
    "school": 0.5,
}

#: Reasons enough on their own to propose a match; the others only add to a score.
SUBSTANTIVE = frozenset({"text", "organisation", "skill", "sector"})

#: Below this cosine, shared words are noise rather than a reason.
MIN_COSINE = 0.05

#: Words that say nothing about what is asked or offered (on top of the search stop words).
FILLER = frozenset(
    {
        "je", "j", "vous", "nous", "mon", "ma", "mes", "votre", "vos", "est", "suis", "qui",
        "que", "quoi", "cherche", "recherche", "peux", "peut", "aide", "aider", "besoin",
        "pas", "plus", "tres", "bien", "faire", "etre", "avoir", "comme", "mais", "si",
        "pourquoi", "quel", "quelle", "quels", "quelles", "comment", "combien", "ou", "chez",
        "sans", "tout", "tous", "toute", "toutes", "autre", "autres", "cet", "cette", "dont",
        "docteur", "docteure", "docteurs", "ingenieur", "ingenieure", "ingenieurs", "ecole",
        "i", "you", "we", "my", "your", "is", "am", "are", "looking", "can", "help", "need",
        "would", "like", "about", "from", "this", "that", "it", "be", "why", "what", "how",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """An ask, an offer or a person, reduced to words and tags.

    ``tags`` maps a tag kind ("sector", "organisation", "skill") to the tag keys (for sectors,
    the Django side puts every ancestor code in, so that "C" meets "24.42").
    """

    id: int
    text: str = ""
    kind: str = ""
    tags: Mapping[str, Collection[str]] = field(default_factory=dict)
    schools: Collection[str] = ()
    promos: Collection[str] = ()
    owner: int | None = None


@dataclass(frozen=True)
class Reason:
    """Why two profiles meet: ``kind`` is "text", a tag kind, "kind", "school" or "promo"."""

    kind: str
    values: tuple[str, ...]
    points: float


@dataclass(frozen=True)
class Match:
    id: int
    score: float
    reasons: tuple[Reason, ...]


def text_terms(text: str) -> dict[str, tuple[int, set[str]]]:
    """Each stem of ``text`` with its count and the words (as written, lower-cased) it came from.

    >>> sorted((t, n) for t, (n, _w) in text_terms("Satellites : je cherche un satellite").items())
    [('satellit', 2)]
    """
    out: dict[str, tuple[int, set[str]]] = {}
    for start, end, token in words(text):
        if token in FILLER or token.isdigit():
            continue
        term = terms_of(token)[0]
        count, surface = out.get(term, (0, set()))
        surface.add(text[start:end].lower())
        out[term] = (count + 1, surface)
    return out


class TextModel:
    """TF-IDF vectors over a small corpus (the query and its candidates), compared by cosine.

    >>> model = TextModel(["imagerie satellite", "satellites et radar", "vins de Bordeaux"])
    >>> cos, shared = model.similarity(0, 1)
    >>> round(cos, 2), shared
    (0.37, ('satellite',))
    >>> model.similarity(0, 2)
    (0.0, ())
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self._terms = [text_terms(t) for t in texts]
        df: Counter[str] = Counter()
        for terms in self._terms:
            df.update(terms.keys())
        n = len(texts)
        self._idf = {t: math.log((n + 1) / (d + 1)) + 1.0 for t, d in df.items()}
        self._vectors = [
            {t: (1 + math.log(c)) * self._idf[t] for t, (c, _w) in terms.items()}
            for terms in self._terms
        ]
        self._norms = [math.sqrt(sum(v * v for v in vec.values())) for vec in self._vectors]

    def similarity(self, a: int, b: int) -> tuple[float, tuple[str, ...]]:
        """Cosine of documents ``a`` and ``b``, and their shared words, strongest first."""
        va, vb = self._vectors[a], self._vectors[b]
        if not va or not vb:
            return 0.0, ()
        shared = [(va[t] * vb[t], t) for t in va.keys() & vb.keys()]
        if not shared:
            return 0.0, ()
        cosine = sum(p for p, _t in shared) / (self._norms[a] * self._norms[b])
        shared.sort(key=lambda pt: (-pt[0], pt[1]))
        surface = tuple(min(self._terms[a][t][1]) for _p, t in shared)
        return cosine, surface


def _tag_points(weight: float, shared: int) -> float:
    """The first shared tag counts fully, each further one half, up to twice the weight."""
    return min(2 * weight, weight * (1 + 0.5 * (shared - 1))) if shared else 0.0


def rank(
    query: Profile,
    candidates: Iterable[Profile],
    *,
    kinds: Collection[str] = (),
    weights: Mapping[str, float] = WEIGHTS,
    limit: int = 10,
    max_words: int = 5,
) -> list[Match]:
    """The candidates that best meet ``query``, each with the reasons of its score.

    A candidate is proposed only with a substantive reason (shared words, organisation,
    skill or sector); a helpful kind of offer (``kinds``: the candidate kinds that serve the
    query's kind), the same school or the same promo only add to its score. Candidates
    owned by the query's owner are left out. Ties are broken by id, for stable results.

    Parameters
    ----------
    query : Profile
        What is asked (or offered).
    candidates : iterable of Profile
        What may meet it.
    kinds : collection of str
        Candidate kinds that serve the query's kind.
    weights : mapping
        Points of each reason (:data:`WEIGHTS`).
    limit : int
        How many matches to return, best first.
    max_words : int
        How many shared words a text reason lists.

    Notes
    -----
    O(Σ words) to build the TF-IDF model over the query and the candidates, then
    O(shared terms + shared tags) per candidate and O(c log limit) to keep the best.

    Examples
    --------
    >>> ask = Profile(1, "Je cherche un emploi en télédétection satellitaire", "job",
    ...               {"skill": {"python"}}, schools={"P"}, promos={"P19"}, owner=10)
    >>> offers = [
    ...     Profile(2, "Questions sur l'industrie spatiale et la télédétection", "industry",
    ...             schools={"P"}, owner=11),
    ...     Profile(3, "Relecture de CV", "cv_review", {"skill": {"python"}}, {"E"}, owner=12),
    ...     Profile(4, "Oenologie", "industry", schools={"P"}, promos={"P19"}, owner=13),
    ...     Profile(5, "Mon autre offre en télédétection", "industry", owner=10),
    ... ]
    >>> [(m.id, [r.kind for r in m.reasons]) for m in rank(ask, offers, kinds={"cv_review"})]
    [(3, ['skill', 'kind']), (2, ['text', 'school'])]
    >>> rank(ask, offers)[1].reasons[0].values
    ('télédétection',)
    """
    pool = [c for c in candidates if query.owner is None or c.owner != query.owner]
    if not pool:
        return []
    model = TextModel([query.text, *(c.text for c in pool)])
    best: list[tuple[float, int, Match]] = []
    for i, cand in enumerate(pool, start=1):
        reasons: list[Reason] = []
        cosine, shared_words = model.similarity(0, i)
        if cosine >= MIN_COSINE:
            reasons.append(Reason("text", shared_words[:max_words], weights["text"] * cosine))
        for tag in ("organisation", "skill", "sector"):
            shared = sorted(set(query.tags.get(tag, ())) & set(cand.tags.get(tag, ())))
            if shared:
                reasons.append(Reason(tag, tuple(shared), _tag_points(weights[tag], len(shared))))
        if not any(r.kind in SUBSTANTIVE for r in reasons):
            continue
        if cand.kind and cand.kind in kinds:
            reasons.append(Reason("kind", (cand.kind,), weights["kind"]))
        promos = sorted(set(query.promos) & set(cand.promos))
        if promos:
            reasons.append(Reason("promo", tuple(promos), weights["promo"]))
        schools = sorted(set(query.schools) & set(cand.schools))
        if schools:
            reasons.append(Reason("school", tuple(schools), weights["school"]))
        score = sum(r.points for r in reasons)
        item = (score, -cand.id, Match(cand.id, round(score, 4), tuple(reasons)))
        if len(best) < limit:
            heapq.heappush(best, item)
        elif item[:2] > best[0][:2]:
            heapq.heapreplace(best, item)
    return [m for _s, _i, m in sorted(best, key=lambda x: x[:2], reverse=True)]


def merge_reasons(found: Mapping[int, Sequence[Reason]]) -> list[Match]:
    """Matches from reasons gathered per id elsewhere (e.g. several searches), best first.

    Reasons of the same kind are merged (values joined, points added); ids with no
    substantive reason are dropped.

    >>> merged = merge_reasons({7: [Reason("skill", ("python",), 1.5),
    ...                             Reason("skill", ("sql",), 0.75),
    ...                             Reason("school", ("P",), 0.5)],
    ...                         8: [Reason("school", ("P",), 0.5)]})
    >>> [(m.id, m.score, m.reasons[0].values) for m in merged]
    [(7, 2.75, ('python', 'sql'))]
    """
    out = []
    for key, reasons in found.items():
        by_kind: dict[str, tuple[list[str], float]] = defaultdict(lambda: ([], 0.0))
        for r in reasons:
            values, points = by_kind[r.kind]
            added = [v for v in r.values if v not in values]
            by_kind[r.kind] = ([*values, *added], points + r.points)
        if not by_kind.keys() & SUBSTANTIVE:
            continue
        merged = tuple(Reason(k, tuple(v), round(p, 4)) for k, (v, p) in by_kind.items())
        out.append(Match(key, round(sum(r.points for r in merged), 4), merged))
    out.sort(key=lambda m: (-m.score, m.id))
    return out
