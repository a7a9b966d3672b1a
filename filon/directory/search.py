"""Directory search: the database's full-text engine, privacy applied before anything is indexed.

What each audience may find is decided when a person's documents are written
(:mod:`filon.directory.indexing`, in the same transaction as the change):

- people who opted out of the directory are never found by search, staff included (staff reach
  them through the administration);
- one document per audience level (0 members, 1 paying members, 2 staff, as
  :attr:`~filon.directory.privacy.Viewer.level`): a field group (city, positions, thesis,
  skills) is in a level's document only if :func:`~filon.directory.privacy.allows` that
  audience to see it; a hidden group is neither searchable nor counted in the facets, and the
  current position is not shown;
- offers of help (filon.outreach) are read by every signed-in member: the "offers help" facet
  (``aide=1``) is the same at every level.

Matching and ranking happen in the database (:mod:`filon.directory.search_engine`); the words,
their stems, prefixes and typo corrections are decided once by :mod:`filon.core.fulltext`;
facet counts come from compact per-person columns that follow the change log. A saved change is
found by the next search in every process, and costs no process a rebuild.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from filon.core import fulltext
from filon.core.promo import promo_label
from filon.directory import search_engine
from filon.directory.models import School, SearchDocument, SearchFacetValue, Track
from filon.directory.privacy import Viewer
from filon.orgs.models import Organisation, Sector

PER_PAGE = 20
_PROMO = re.compile(r"^([A-Za-z])['’]?(\d{2})$")
MAX_QUERY = 200
MAX_VALUES = 30

#: The facets, in the sidebar's order, with their titles.
FACETS: dict[str, Any] = {
    "school": _("École"),
    "track": _("Filière"),
    "decade": _("Décennie de promotion"),
    "sector": _("Secteur (employeur actuel)"),
    "organisation": _("Employeur actuel"),
    "country": _("Pays"),
    "city": _("Ville"),
    # Boolean: one value, OFFERS_HELP, for people with at least one active offer of help.
    "aide": _("Entraide"),
}
OFFERS_HELP = "1"
FACET_LIMITS = {"organisation": 10, "sector": 10, "city": 12, "country": 10}
ORDERED_FACETS = ("school", "decade")

#: The searchable fields, with the labels that explain a match.
FIELD_LABELS: dict[str, Any] = {
    "name": _("Nom"),
    "organisations": _("Organisations"),
    "titles": _("Fonctions"),
    "thesis": _("Thèse"),
    "skills": _("Compétences"),
    "labs": _("Laboratoire"),
    "city": _("Ville"),
}

# -- what the pages, the API and the CLI receive -------------------------------------------


@dataclass(frozen=True)
class SearchParams:
    """A search as asked: free text, facet selections, a vintage range and a page."""

    query: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    vintage_from: int | None = None
    vintage_to: int | None = None
    page: int = 1

    @classmethod
    def from_querydict(cls, data: Any) -> SearchParams:
        """Read request parameters (q, page, vintage_from, vintage_to, one list per facet)."""
        filters = {}
        for key in FACETS:
            values = [v.strip() for v in data.getlist(key) if v.strip()]
            if values:
                filters[key] = tuple(dict.fromkeys(values))[:MAX_VALUES]
        return cls(
            query=(data.get("q") or "").strip()[:MAX_QUERY],
            filters=filters,
            vintage_from=_int(data.get("vintage_from")),
            vintage_to=_int(data.get("vintage_to")),
            page=max(1, _int(data.get("page")) or 1),
        )

    @property
    def has_criteria(self) -> bool:
        return bool(
            self.query
            or self.filters
            or self.vintage_from is not None
            or self.vintage_to is not None
        )


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if -10_000 < number < 10_000 else None


@dataclass(frozen=True)
class Match:
    field: str
    label: str
    words: tuple[str, ...]
    segments: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class ResultRow:
    id: int
    name: str
    promos: tuple[str, ...]
    position: str | None
    matches: tuple[Match, ...]
    #: The name cut into (text, matched) pieces, to highlight a name match (or a typo's fix).
    name_segments: tuple[tuple[str, bool], ...] = ()
    #: Out of the directory: found by staff only, and marked so.
    opted_out: bool = False


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    key: str
    title: str
    options: tuple[FacetOption, ...]


@dataclass(frozen=True)
class DirectoryPage:
    params: SearchParams
    total: int
    page: int
    pages: int
    per_page: int
    results: tuple[ResultRow, ...]
    facets: tuple[Facet, ...]


# -- the process's search state ------------------------------------------------------------


def forget_indexes() -> None:
    """Drop this process's facet columns (tests, or to free memory); the next search reloads."""
    search_engine.forget()


def warm_up() -> None:
    """Load the facet columns (the server does it before its workers fork)."""
    search_engine.state()


# -- searching -----------------------------------------------------------------------------


def split_promos(query: str, school_codes: Collection[str]) -> tuple[str, tuple[str, ...]]:
    """Promo labels typed in the query ("P58", "e'05") apart from the rest of the text.

    >>> split_promos("vasseur P58", {"P", "E", "N"})
    ('vasseur', ('P58',))
    >>> split_promos("X58 b12", {"P"})
    ('X58 b12', ())
    """
    words, promos = [], []
    for word in query.split(" "):
        match = _PROMO.match(word)
        if match and match.group(1).upper() in school_codes:
            promos.append(promo_label(match.group(1), 1900 + int(match.group(2))))
        else:
            words.append(word)
    return " ".join(words), tuple(dict.fromkeys(promos))


def _facet_label(labels: Mapping[str, Mapping[str, Any]], key: str, value: str) -> str:
    if key == "decade":
        return str(_("Années %(decade)s") % {"decade": value})
    return str(labels.get(key, {}).get(value, value))


def search(viewer: Viewer, params: SearchParams, *, per_page: int = PER_PAGE) -> DirectoryPage:
    """One page of results as ``viewer`` may see them, with the facets of the matched set."""
    if not viewer.is_authenticated:
        raise PermissionDenied
    result = run(max(0, viewer.level), params, per_page=per_page)
    return result.page


@dataclass
class Run:
    """A search's page, and every matched person id in result order (for the matchers)."""

    page: DirectoryPage
    ids: Any
    scores: Any


def run(level: int, params: SearchParams, *, per_page: int = PER_PAGE) -> Run:
    """The search as audience ``level`` may see it: the database matches, the columns count."""
    state = search_engine.state()
    schools = _school_names()
    query, promos = split_promos(params.query, schools)
    filters = {k: v for k, v in params.filters.items() if v}
    if promos:
        filters["promo"] = promos
    words = fulltext.plan(
        query,
        name_vocabulary=state.names,
        exists=lambda w: search_engine.word_exists(level, w),
    )
    present = state.present[level]
    scores: np.ndarray | None = None
    if words:
        found = search_engine.match(level, words, population=int(present.sum()))
        # A document committed after this process caught up waits for its next search.
        known = found.ids < len(present)
        known[known] = present[found.ids[known]]
        ids, scores = found.ids[known], found.scores[known]
    else:
        ids = np.flatnonzero(present)
    vintage = (params.vintage_from, params.vintage_to)
    narrowed = bool(filters) or vintage != (None, None)
    if narrowed:
        keep = state.filter_mask(ids, level, filters, vintage)
        ids = ids[keep]
        scores = scores[keep] if scores is not None else None
    counts = state.count(ids if (words or narrowed) else None, level)
    if scores is not None:
        order = np.lexsort((state.rank[ids], -scores))
    else:
        order = np.argsort(state.rank[ids], kind="stable")
    ids = ids[order]
    scores = scores[order] if scores is not None else None
    total = int(ids.size)
    per_page = max(1, per_page)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, params.page), pages)
    chosen = [int(i) for i in ids[(page - 1) * per_page : page * per_page]]
    docs = {
        d.person_id: d
        for d in SearchDocument.objects.filter(level=level, person_id__in=chosen).only(
            "person_id", "fields", "display"
        )
    }
    rows = []
    for pid in chosen:
        doc = docs.get(pid)
        if doc is None:
            continue
        shown = doc.display or {}
        matches = tuple(
            Match(m.field, str(FIELD_LABELS[m.field]), m.words, m.segments)
            for m in fulltext.explain(doc.fields or {}, words)
        )
        name = str(shown.get("name", ""))
        segments = next((m.segments for m in matches if m.field == "name"), ((name, False),))
        rows.append(
            ResultRow(
                pid,
                name,
                tuple(shown.get("promos") or ()),
                shown.get("position"),
                matches,
                segments,
                bool(shown.get("opted_out")),
            )
        )
    facets = _facets(state, counts, filters, schools)
    result = DirectoryPage(params, total, page, pages, per_page, tuple(rows), facets)
    return Run(result, ids, scores)


_schools: dict[str, str] = {}


def _school_names() -> dict[str, str]:
    """School letters and names (reference rows: read once per process)."""
    if not _schools:
        _schools.update(School.objects.values_list("code", "name"))
    return _schools


def _facets(
    state: Any, counts: Any, filters: Mapping[str, tuple[str, ...]], schools: dict[str, str]
) -> tuple[Facet, ...]:
    chosen: dict[str, list[tuple[str, int, bool]]] = {}
    for key in FACETS:
        value_ids = state.facet_ids.get(key, np.zeros(0, np.int64))
        value_ids = value_ids[value_ids < len(counts)]
        n = counts[value_ids]
        nonzero = value_ids[n > 0]
        values = [(state.values[int(v)][1], int(counts[v])) for v in nonzero]
        if key in ORDERED_FACETS:
            values.sort(key=lambda vc: vc[0])
        else:
            values.sort(key=lambda vc: (-vc[1], vc[0]))
            if key in FACET_LIMITS:
                values = values[: FACET_LIMITS[key]]
        selected = set(filters.get(key, ()))
        options = [(v, c, v in selected) for v, c in values]
        listed = {v for v, _c, _s in options}
        for v in sorted(selected - listed):
            vid = state.by_value.get((key, v))
            options.append(
                (v, int(counts[vid]) if vid is not None and vid < len(counts) else 0, True)
            )
        chosen[key] = options
    org_ids = [int(v) for v, _c, _s in chosen.get("organisation", ()) if v.isdigit()]
    orgs = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    cities = {
        value: label
        for value, label in SearchFacetValue.objects.filter(
            facet="city", value__in=[v for v, _c, _s in chosen.get("city", ())]
        ).values_list("value", "label")
    }
    labels: dict[str, Mapping[str, Any]] = {
        "school": schools,
        # Lazy labels: translated at search time, in the language of the request.
        "track": {str(value): label for value, label in Track.choices},
        "sector": _sector_labels(),
        "organisation": {str(k): v for k, v in orgs.items()},
        "city": cities,
        "aide": {OFFERS_HELP: _("Propose son aide")},
    }
    return tuple(
        Facet(
            key,
            str(title),
            tuple(FacetOption(v, _facet_label(labels, key, v), c, s) for v, c, s in chosen[key]),
        )
        for key, title in FACETS.items()
    )


_sectors: dict[str, str] = {}


def _sector_labels() -> dict[str, str]:
    if not _sectors:
        _sectors.update(
            {
                code: f"{code} — {label}"
                for code, label in Sector.objects.filter(level=2).values_list("code", "label")
            }
        )
    return _sectors


def result_json(row: ResultRow) -> dict[str, Any]:
    """One result as the API and the CLI print it."""
    return {
        "id": row.id,
        "name": row.name,
        "promo": " ".join(row.promos),
        "promos": list(row.promos),
        "position": row.position,
        "matched": [{"field": m.field, "words": list(m.words)} for m in row.matches],
        "opted_out": row.opted_out,
    }


def facets_json(page: DirectoryPage) -> dict[str, list[dict[str, Any]]]:
    return {
        facet.key: [
            {"value": o.value, "label": o.label, "count": o.count, "selected": o.selected}
            for o in facet.options
        ]
        for facet in page.facets
    }
