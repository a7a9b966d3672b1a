"""Text normalisation shared by search, matching and de-duplication."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})


def fold(text: str) -> str:
    """Lower-case, strip accents and ligatures, and collapse punctuation into single spaces.

    Used wherever "Etienne" must find "Étienne" and "saint etienne" must find "Saint-Étienne".

    >>> fold("Saint-Étienne")
    'saint etienne'
    >>> fold("  Cœur  d'ALÈNE ")
    'coeur d alene'
    >>> fold("Ørsted")
    'orsted'
    """
    text = text.lower().translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", stripped).strip()


def slug(text: str) -> str:
    """An ASCII identifier made of the folded words joined by dots.

    >>> slug("Jean-François Lefèvre")
    'jean.francois.lefevre'
    """
    return fold(text).replace(" ", ".")


def unstorable(text: str) -> str:
    """What in ``text`` no database column can hold: ``""`` when nothing, else ``"NUL"`` (a NUL
    character, refused by PostgreSQL) or ``"surrogate"`` (half of a UTF-16 pair, which no
    UTF-8 encoder writes). Forms and the API refuse such text before it reaches a query.

    >>> unstorable("Écrire à Anne"), unstorable("a\\x00b"), unstorable("a\\ud800b")
    ('', 'NUL', 'surrogate')
    """
    if "\x00" in text:
        return "NUL"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "surrogate"
    return ""
