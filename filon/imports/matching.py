"""Recognising what the directory already holds: organisations and people.

Organisations are matched by identifier (:class:`~filon.orgs.models.OrgIdentifier`), then by a
normalised name that ignores case, accents, word order and legal forms (SA, SAS, GmbH…), as the
``fingerprints`` library computes it. People are matched by the loader
(:mod:`filon.imports.loader`): identifiers, e-mail, phone, then name + school + year with
:func:`name_score`.
"""

from __future__ import annotations

from functools import lru_cache

import fingerprints
from rapidfuzz import fuzz

from filon.core.text import fold

#: A name this close (0–100) to someone of the same school and year is a possible duplicate.
DOUBT_SCORE = 88.0


@lru_cache(maxsize=65536)
def org_key(name: str) -> str:
    """The key under which two spellings of one organisation's name meet.

    >>> org_key("Thales Alenia Space SAS") == org_key("THALES ALENIA SPACE")
    True
    >>> org_key("Airbus Defence and Space GmbH") == org_key("Airbus Defence & Space")
    True
    >>> org_key("Société Générale SA") == org_key("Societe generale")
    True
    >>> org_key("Siemens AG") == org_key("Siemens")
    True
    """
    text = name.replace("&", " and ")
    key = fingerprints.generate(fingerprints.remove_types(text)) or fingerprints.generate(text)
    return key or fold(name)


def name_score(a: str, b: str) -> float:
    """How alike two folded full names are (0–100), whatever the order of the words.

    >>> name_score("jean dupont", "dupont jean")
    100.0
    >>> round(name_score("jean dupont", "jean dupond"))
    91
    """
    return float(fuzz.token_sort_ratio(a, b))
