"""The directory's text pipeline for a database full-text engine (FTS5, PostgreSQL tsvector).

The database stores and searches; what a word *is* is decided here, once, so that SQLite and
PostgreSQL index and query exactly the same terms:

- a document field becomes a string of index terms (:func:`field_terms`): every folded word
  ("Saint-Étienne" → ``saint etienne``) followed by its French and English Snowball stems
  ("télédétections" → ``teledetections teledetect``); names are folded, never stemmed ("Martin"
  must not find "Martine");
- a query becomes a :class:`QueryWord` per word (:func:`plan`): its exact terms, a prefix for
  the last word while it is being typed, and — for a word that matches nothing as written — the
  name words one edit away, transpositions included (Damerau's optimal string alignment:
  « webre » is one edit from « weber »);
- :func:`fts5_word` and :func:`tsquery_word` write one word's alternatives in each engine's
  syntax, restricted to a group of fields (the engine intersects the words' matches);
- :func:`explain` says which fields matched, with which words, as highlighted segments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from filon.core.search import (
    DEFAULT_WEIGHTS,
    FIELDS,
    MIN_PREFIX,
    MIN_TYPO,
    FieldMatch,
    _segments,
    terms_of,
    words,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "FIELDS",
    "QueryWord",
    "explain",
    "field_terms",
    "fts5_word",
    "plan",
    "tsquery_word",
]

#: The fields other than the name (stemmed), in :data:`FIELDS` order.
TEXT_FIELDS: tuple[str, ...] = tuple(f for f in FIELDS if f != "name")

#: PostgreSQL has four weight classes: each field is put in one.
PG_CLASS: Mapping[str, str] = {
    "name": "A",
    "organisations": "B",
    "skills": "B",
    "labs": "B",
    "thesis": "C",
    "city": "C",
    "titles": "D",
}
#: ts_rank's weights, in its order {D, C, B, A}.
PG_WEIGHTS = "{0.25, 0.4, 0.6, 1.0}"
MAX_TYPO_NAMES = 30


def field_terms(text: str, *, name: bool = False) -> str:
    """The index terms of a field's text, space-separated, in the text's order.

    >>> field_terms("Télédétections, Saint-Étienne")
    'teledetections teledetect saint etienne etien etienn'
    >>> field_terms("Martine Dumas", name=True)
    'martine dumas'
    """
    out: list[str] = []
    for _s, _e, token in words(text):
        if name:
            out.append(token)
            continue
        out.append(token)
        out += [t for t in terms_of(token) if t != token]
    return " ".join(out)


@dataclass(frozen=True)
class QueryWord:
    """One word of a query and what it may match.

    ``terms`` match any text field exactly; ``token`` matches the name exactly; ``prefix`` (the
    last word, being typed) matches words that begin with it in any field; ``names`` are the
    name words one edit away, used when the word as written matches nothing.
    """

    token: str
    terms: tuple[str, ...]
    prefix: bool = False
    names: tuple[str, ...] = ()
    #: False: the word is looked for in what people know and do, never in names.
    in_name: bool = True

    def accepts(self, token: str, *, name: bool) -> bool:
        """Whether a document word (folded) is matched by this query word."""
        if name:
            if not self.in_name:
                return False
            if token == self.token or token in self.names:
                return True
            return self.prefix and token.startswith(self.token)
        if self.prefix and token.startswith(self.token):
            return True
        return token == self.token or bool(set(terms_of(token)) & set(self.terms))


def plan(
    query: str,
    *,
    name_vocabulary: Sequence[str] = (),
    exists: Callable[[QueryWord], bool] | None = None,
) -> list[QueryWord]:
    """The words of ``query`` with their alternatives.

    ``exists(word)`` tells whether a word matches some document as written; a word of at least
    :data:`~filon.core.search.MIN_TYPO` letters that does not is read as a misspelt name and
    gets the words of ``name_vocabulary`` one edit (insertion, deletion, substitution or
    transposition of neighbours) away.

    >>> p = plan("webre tele", name_vocabulary=["weber", "webb"], exists=lambda w: False)
    >>> [(w.token, w.terms, w.prefix, w.names) for w in p]
    [('webre', ('webr',), False, ('weber',)), ('tele', ('tel', 'tele'), True, ())]
    """
    tokens = [t for _s, _e, t in words(query)]
    last_is_partial = bool(query) and not query[-1].isspace()
    out = []
    for pos, token in enumerate(tokens):
        prefix = pos == len(tokens) - 1 and last_is_partial and len(token) >= MIN_PREFIX
        word = QueryWord(token, terms_of(token), prefix)
        if len(token) >= MIN_TYPO and not token.isdigit() and name_vocabulary:
            found = process.extract(
                token,
                name_vocabulary,
                scorer=OSA.distance,
                score_cutoff=1,
                limit=MAX_TYPO_NAMES,
            )
            names = tuple(sorted({n for n, _d, _i in found if n != token}))
            # Only a word that matches nothing as written is read as a misspelt name.
            if names and (exists is None or not exists(word)):
                word = QueryWord(token, word.terms, prefix, names)
        out.append(word)
    return out


def _fts5_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts5_word(word: QueryWord, fields: Sequence[str] = FIELDS) -> str:
    """One word's alternatives in FTS5's query syntax, looked for in ``fields`` only.

    >>> fts5_word(QueryWord("dumas", ("duma",), names=("dumaz",)), ("name",))
    '(name : "dumas" OR name : "dumaz")'
    """
    texts = [f for f in fields if f != "name"]
    cols = "{" + " ".join(texts) + "}"
    alts = [f"name : {_fts5_string(word.token)}"] if word.in_name and "name" in fields else []
    if texts:
        alts += [f"{cols} : {_fts5_string(t)}" for t in dict.fromkeys((word.token, *word.terms))]
    if word.prefix:
        if "name" in fields and word.in_name:
            alts.append(f"name : {_fts5_string(word.token)}*")
        if texts:
            alts.append(f"{cols} : {_fts5_string(word.token)}*")
    if "name" in fields and word.in_name:
        alts += [f"name : {_fts5_string(n)}" for n in word.names]
    return "(" + " OR ".join(alts) + ")" if alts else ""


def _lexeme(term: str) -> str:
    return "'" + term.replace("'", "''").replace("\\", "\\\\") + "'"


def tsquery_word(word: QueryWord, fields: Sequence[str] = FIELDS) -> str:
    """One word's alternatives as a PostgreSQL tsquery, in the weight classes of ``fields``.

    >>> tsquery_word(QueryWord("dumas", ("duma",)), ("titles", "city"))
    "('dumas':CD | 'duma':CD)"
    """
    name = "name" in fields and word.in_name
    classes = "".join(sorted({PG_CLASS[f] for f in fields if f != "name"}))
    alts = [f"{_lexeme(word.token)}:A"] if name else []
    if classes:
        alts += [f"{_lexeme(t)}:{classes}" for t in dict.fromkeys((word.token, *word.terms))]
    if word.prefix:
        if name:
            alts.append(f"{_lexeme(word.token)}:*A")
        if classes:
            alts.append(f"{_lexeme(word.token)}:*{classes}")
    if name:
        alts += [f"{_lexeme(n)}:A" for n in word.names]
    return "(" + " | ".join(alts) + ")" if alts else ""


def explain(fields: Mapping[str, str], items: Sequence[QueryWord]) -> tuple[FieldMatch, ...]:
    """Which fields matched which query words, with the field text cut into highlights.

    >>> [(m.field, m.words) for m in explain(
    ...     {"name": "Océane Weber", "city": "Lyon"}, plan("oceane webre", name_vocabulary=
    ...     ["oceane", "weber"], exists=lambda w: w.token != "webre"))]
    [('name', ('Océane', 'Weber'))]
    """
    if not items:
        return ()
    out = []
    for name in FIELDS:
        text = fields.get(name)
        if not text:
            continue
        is_name = name == "name"
        spans = [
            (s, e)
            for s, e, token in words(text)
            if any(w.accepts(token, name=is_name) for w in items)
        ]
        if spans:
            seen = dict.fromkeys(text[s:e] for s, e in spans)
            out.append(FieldMatch(name, tuple(seen), _segments(text, spans)))
    return tuple(out)
