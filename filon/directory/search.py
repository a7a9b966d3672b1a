"""Directory search: the database adapted into :mod:`filon.core.search`, privacy applied first.

What an index holds is decided here, before the core sees anything:

- people who opted out of the directory are never indexed: nobody finds them by search,
  staff included (staff reach them through the administration);
- offers of help (filon.outreach) are read by every signed-in member
  (:func:`~filon.directory.privacy.can_see_outreach`): the "offers help" facet (``aide=1``:
  at least one active offer) is the same at every audience level;
- one index per audience level (0 members, 1 paying members, 2 staff, as
  :attr:`~filon.directory.privacy.Viewer.level`): a person's field group (city, positions,
  thesis, skills) goes into a level's index only if :func:`~filon.directory.privacy.allows`
  that audience to see it. A hidden group is neither searchable nor counted in the facets,
  and the current position is not shown.

Indexes are built lazily in each process and kept in memory until the directory's version
token changes (:mod:`filon.directory.index_signals`), so any saved change is seen by the next
search. That next search pays the rebuild: measured by ``filon bench search --members 30000``
on SQLite (2 shared cores), 3.7 s for the members' index and 3.4 s for the staff's (about 1 s
of it the six bulk queries, the rest tokenising and the sparse build); a search on a built
index costs about 9 ms through the whole view.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from filon.audit.throttle import hit as throttle_hit
from filon.core.promo import promo_label
from filon.core.search import Doc, SearchIndex
from filon.core.text import fold
from filon.directory.index_signals import current_version
from filon.directory.models import Affiliation, Person, Position, School, Thesis, Track
from filon.directory.privacy import Viewer, allows, audience, group_visibility
from filon.orgs.models import Sector

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

#: The privacy field group (privacy.FIELD_GROUPS) guarding each part of a document.
GUARDED_BY = {
    "organisations": "positions",
    "titles": "positions",
    "sector": "positions",
    "organisation": "positions",
    "thesis": "thesis",
    "labs": "thesis",
    "skills": "skills",
    "city": "city",
    "country": "city",
}
_GROUPS = ("city", "positions", "thesis", "skills")


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


# -- building the index --------------------------------------------------------------------


@dataclass
class _Person:
    id: int
    first_name: str
    last_name: str
    city: str
    country: str
    settings: dict[str, Any]
    promos: list[tuple[str, str, int]] = field(default_factory=list)
    # (title, organisation id, organisation name, short name, sector code, is current, start)
    positions: list[tuple[str, int, str, str, str, bool, Any]] = field(default_factory=list)
    theses: list[tuple[str, str, str, str]] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    offers_help: bool = False


@dataclass(frozen=True)
class _Display:
    name: str
    promos: tuple[str, ...]
    position: str | None


@dataclass
class DirectoryIndex:
    """One audience level's index, with what its results display and its facet labels."""

    level: int
    version: str
    index: SearchIndex
    display: dict[int, _Display]
    labels: dict[str, dict[str, Any]]
    build_seconds: float


def _load() -> list[_Person]:
    """Everyone who may be found, with their diplomas, positions, theses, skills and offers.

    Six queries whatever the size of the directory.
    """
    from filon.outreach.models import Offer  # outreach builds on the directory: import late

    people: dict[int, _Person] = {
        pk: _Person(pk, first, last, city, country, fv if isinstance(fv, dict) else {})
        for pk, first, last, city, country, fv in Person.objects.filter(
            directory_opt_out=False
        ).values_list("pk", "first_name", "last_name", "city", "country", "field_visibility")
    }
    for pid, code, track, year in (
        Affiliation.objects.filter(person__directory_opt_out=False)
        .order_by("year", "pk")
        .values_list("person_id", "school__code", "track", "year")
    ):
        people[pid].promos.append((code, track, year))
    for pid, title, oid, name, short, sector, end, start in (
        Position.objects.filter(person__directory_opt_out=False)
        .order_by("person_id", F("start").desc(nulls_last=True), "-pk")
        .values_list(
            "person_id",
            "title",
            "organisation_id",
            "organisation__name",
            "organisation__short_name",
            "organisation__sector_id",
            "end",
            "start",
        )
    ):
        people[pid].positions.append((title, oid, name, short, sector or "", end is None, start))
    for pid, title, discipline, lab, lab_short in (
        Thesis.objects.filter(person__directory_opt_out=False)
        .order_by("person_id", "-defence_year")
        .values_list("person_id", "title", "discipline", "lab__name", "lab__short_name")
    ):
        people[pid].theses.append((title, discipline, lab or "", lab_short or ""))
    through: Any = Person.skills.through
    for pid, skill in (
        through.objects.filter(person__directory_opt_out=False)
        .order_by("skill__name")
        .values_list("person_id", "skill__name")
    ):
        people[pid].skills.append(skill)
    for pid in (
        Offer.objects.filter(is_active=True, person__directory_opt_out=False)
        .order_by()  # no Meta.ordering columns, or DISTINCT would keep duplicates
        .values_list("person_id", flat=True)
        .distinct()
    ):
        people[pid].offers_help = True
    return list(people.values())


def _join(parts: Any) -> str:
    kept = [p for p in parts if p]
    return kept[0] if len(kept) == 1 else " · ".join(dict.fromkeys(kept))


def _division(sector: str) -> str:
    """The NACE division (two digits) of a sector code at any level below the section."""
    head = sector.split(".")[0]
    return head if len(head) == 2 and head.isdigit() else ""


def build_index(level: int, version: str = "") -> DirectoryIndex:
    """The index of what audience ``level`` may see of everyone in the directory."""
    started = time.perf_counter()
    viewer = audience(level)
    docs: list[Doc] = []
    display: dict[int, _Display] = {}
    org_names: dict[str, str] = {}
    city_names: dict[str, str] = {}
    for p in _load():
        see = {g: allows(viewer, group_visibility(p.settings, g)) for g in _GROUPS}
        name = f"{p.first_name} {p.last_name}".strip()
        current = [pos for pos in p.positions if pos[5]]
        fields = {"name": name}
        facets: dict[str, list[str]] = {
            "school": [code for code, _t, _y in p.promos],
            "track": [track for _c, track, _y in p.promos],
            # Not in the sidebar: a promo label typed in the query ("P58") filters on it.
            "promo": [promo_label(code, year) for code, _t, year in p.promos],
            # Offers of help are shown to every signed-in member: no field group guards them.
            "aide": [OFFERS_HELP] if p.offers_help else [],
        }
        if see["positions"]:
            fields["organisations"] = _join(
                f"{n} ({s})" if s and s != n else n for _t, _o, n, s, _sc, _c, _st in p.positions
            )
            fields["titles"] = _join(pos[0] for pos in p.positions)
            facets["organisation"] = [str(pos[1]) for pos in current]
            facets["sector"] = [_division(pos[4]) for pos in current]
            for pos in current:
                org_names[str(pos[1])] = pos[2]
        if see["thesis"] and p.theses:
            fields["thesis"] = _join(f"{t} · {d}" if d else t for t, d, _l, _s in p.theses)
            fields["labs"] = _join(
                f"{lab} ({short})" if short and short != lab else lab
                for _t, _d, lab, short in p.theses
            )
        if see["skills"]:
            fields["skills"] = _join(p.skills)
        if see["city"]:
            fields["city"] = p.city
            if p.city:
                city_key = fold(p.city)
                facets["city"] = [city_key]
                city_names.setdefault(city_key, p.city)
            facets["country"] = [p.country]
        docs.append(
            Doc(
                p.id,
                fields,
                fold(f"{p.last_name} {p.first_name}"),
                facets,
                [year for _c, _t, year in p.promos],
            )
        )
        position = None
        if see["positions"] and current:
            title, _oid, org, _short, _sector, _cur, _start = current[0]
            position = f"{title} — {org}"
        display[p.id] = _Display(
            name,
            tuple(promo_label(code, year) for code, _t, year in p.promos),
            position,
        )
    index = SearchIndex(docs, facet_limits=FACET_LIMITS, ordered_facets=ORDERED_FACETS)
    labels: dict[str, dict[str, Any]] = {
        "school": dict(School.objects.values_list("code", "name")),
        # Lazy labels: translated at search time, in the language of the request.
        "track": {str(value): label for value, label in Track.choices},
        "sector": {
            code: f"{code} — {label}"
            for code, label in Sector.objects.filter(level=2).values_list("code", "label")
        },
        "organisation": org_names,
        "city": city_names,
        "aide": {OFFERS_HELP: _("Propose son aide")},
    }
    return DirectoryIndex(level, version, index, display, labels, time.perf_counter() - started)


_lock = threading.Lock()
_indexes: dict[int, DirectoryIndex] = {}


def index_for(level: int) -> DirectoryIndex:
    """The current index of an audience level: built on first use and after any change."""
    version = current_version()
    found = _indexes.get(level)
    if found is not None and found.version == version:
        return found
    with _lock:
        found = _indexes.get(level)
        if found is None or found.version != version:
            found = _indexes[level] = build_index(level, version)
        return found


def forget_indexes() -> None:
    """Drop this process's indexes (tests, or to free memory)."""
    with _lock:
        _indexes.clear()


# -- searching -----------------------------------------------------------------------------


def allow_search(user: Any) -> bool:
    """Count one search for this account; False once SEARCHES_PER_MINUTE is exceeded."""
    return throttle_hit(f"search:{user.pk}", limit=settings.SEARCHES_PER_MINUTE, window=60)


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


def _facet_label(labels: dict[str, dict[str, Any]], key: str, value: str) -> str:
    if key == "decade":
        return str(_("Années %(decade)s") % {"decade": value})
    return str(labels.get(key, {}).get(value, value))


def search(viewer: Viewer, params: SearchParams, *, per_page: int = PER_PAGE) -> DirectoryPage:
    """One page of results as ``viewer`` may see them, with the facets of the matched set."""
    if not viewer.is_authenticated:
        raise PermissionDenied
    current = index_for(max(0, viewer.level))
    query, promos = split_promos(params.query, current.labels["school"])
    filters = dict(params.filters)
    if promos:
        filters["promo"] = promos
    result = current.index.search(
        query,
        filters=filters,
        vintage=(params.vintage_from, params.vintage_to),
        page=params.page,
        per_page=per_page,
    )
    rows = []
    for hit in result.hits:
        shown = current.display[hit.id]
        matches = tuple(
            Match(m.field, str(FIELD_LABELS[m.field]), m.words, m.segments) for m in hit.matches
        )
        name = next((m.segments for m in matches if m.field == "name"), ((shown.name, False),))
        rows.append(ResultRow(hit.id, shown.name, shown.promos, shown.position, matches, name))
    facets = tuple(
        Facet(
            key,
            str(title),
            tuple(
                FacetOption(
                    v.value, _facet_label(current.labels, key, v.value), v.count, v.selected
                )
                for v in result.facets.get(key, ())
            ),
        )
        for key, title in FACETS.items()
    )
    return DirectoryPage(
        params, result.total, result.page, result.pages, result.per_page, tuple(rows), facets
    )


def result_json(row: ResultRow) -> dict[str, Any]:
    """One result as the API and the CLI print it."""
    return {
        "id": row.id,
        "name": row.name,
        "promo": " ".join(row.promos),
        "promos": list(row.promos),
        "position": row.position,
        "matched": [{"field": m.field, "words": list(m.words)} for m in row.matches],
    }


def facets_json(page: DirectoryPage) -> dict[str, list[dict[str, Any]]]:
    return {
        facet.key: [
            {"value": o.value, "label": o.label, "count": o.count, "selected": o.selected}
            for o in facet.options
        ]
        for facet in page.facets
    }
