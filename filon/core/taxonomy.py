"""ROME appellations and ESCO occupations and skills, searchable by label (accents ignored).

The shipped extracts (``filon/data/rome``, ``filon/data/esco``, sources and licences in their
``SOURCE.txt``) are read lazily, once per process.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from filon.core.text import fold

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Entry:
    scheme: str  # "rome" or "esco"
    code: str  # ROME code_ogr, or ESCO URI
    label: str
    group: str  # ROME code (fiche), ISCO group, or ESCO collection


@functools.cache
def entries() -> tuple[Entry, ...]:
    out: list[Entry] = []
    with open(DATA / "rome" / "appellations.csv", encoding="utf-8", newline="") as f:
        out += [
            Entry("rome", r["code_ogr"], r["libelle"], r["code_rome"]) for r in csv.DictReader(f)
        ]
    with open(DATA / "esco" / "occupations.csv", encoding="utf-8", newline="") as f:
        out += [Entry("esco", r["uri"], r["label"], r["isco"]) for r in csv.DictReader(f)]
    with open(DATA / "esco" / "skills.csv", encoding="utf-8", newline="") as f:
        out += [Entry("esco", r["uri"], r["label"], r["collection"]) for r in csv.DictReader(f)]
    return tuple(out)


@functools.cache
def _folded() -> tuple[str, ...]:
    return tuple(fold(e.label) for e in entries())


def search(query: str, *, limit: int = 10) -> list[Entry]:
    """Entries whose label holds every word of the query: exact labels first, then prefixes.

    >>> [(e.scheme, e.code, e.label) for e in search("geomaticien")][:1]
    [('rome', '15261', 'Géomaticien / Géomaticienne')]
    >>> [e.scheme for e in search("data scientist")][:2]
    ['rome', 'esco']
    """
    words = fold(query).split()
    if not words:
        return []
    whole = " ".join(words)
    found = [
        (0 if label == whole else 1 if label.startswith(whole) else 2, len(label), i)
        for i, label in enumerate(_folded())
        if all(w in label for w in words)
    ]
    found.sort()
    all_entries = entries()
    return [all_entries[i] for _r, _n, i in found[:limit]]


def by_code(code: str) -> Entry | None:
    """The entry of a ROME code_ogr or an ESCO URI."""
    for e in entries():
        if e.code == code:
            return e
    return None
