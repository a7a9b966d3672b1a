"""Search documents follow writes: each change rewrites the documents of the people it touches.

For every person and audience level (0 members, 1 paying members, 2 staff, as
:attr:`~filon.directory.privacy.Viewer.level`) one :class:`~filon.directory.models.SearchDocument`
holds what that audience may find: a field group (city, positions, thesis, skills) enters a
level's document only if :func:`~filon.directory.privacy.allows` that audience to see it, so a
hidden group is neither searchable nor counted in the facets. People who opted out of the
directory have hidden documents at the members' levels; the staff's level keeps their document,
marked « hors annuaire », because staff find everyone (:mod:`filon.directory.privacy`).

:func:`reindex` runs inside the write's transaction (signal receivers below, or the bulk writers
through :data:`filon.directory.index_signals.bulk_write`): the full-text row (FTS5 on SQLite,
``tsv`` on PostgreSQL) and the document change together with the data, and every server
process sees the change at its next search (:mod:`filon.directory.search` reads the documents
whose ``seq`` is above the last it applied). A write costs what it changes: six small queries
for the person, three document upserts.

Higher apps add facets without the directory importing them: a flag provider registered with
:func:`register_flag` (the outreach app registers « propose son aide »).
"""

from __future__ import annotations

import array
import logging
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q

from filon.core.fulltext import FIELDS, PG_CLASS, field_terms
from filon.core.promo import promo_label
from filon.core.text import fold
from filon.directory.fulltext_sql import LEVELS, fts_table
from filon.directory.models import (
    Affiliation,
    Person,
    Position,
    SearchDocument,
    SearchFacetValue,
    SearchSequence,
    Thesis,
)
from filon.directory.privacy import allows, audience, group_visibility

log = logging.getLogger(__name__)

BATCH = 1000
_GROUPS = ("city", "positions", "thesis", "skills")

#: The facet slots of a packed document row: the same for every level (identity), then the
#: ones a field group guards. A person's values beyond a facet's width are not counted.
IDENTITY_SLOTS: tuple[tuple[str, int], ...] = (
    ("school", 4),
    ("track", 4),
    ("decade", 4),
    ("year", 4),
    ("promo", 4),
    ("aide", 1),
)
GUARDED_SLOTS: tuple[tuple[str, int], ...] = (
    ("organisation", 3),
    ("sector", 3),
    ("country", 1),
    ("city", 1),
)
IDENTITY_WIDTH = sum(w for _f, w in IDENTITY_SLOTS)
GUARDED_WIDTH = sum(w for _f, w in GUARDED_SLOTS)
WIDTH = IDENTITY_WIDTH + GUARDED_WIDTH


def slot_ranges() -> dict[str, tuple[int, int]]:
    """facet → (first column, end column) in a packed row."""
    out, pos = {}, 0
    for name, width in IDENTITY_SLOTS + GUARDED_SLOTS:
        out[name] = (pos, pos + width)
        pos += width
    return out


SLOTS = slot_ranges()

#: Flag facets registered by higher apps: facet name → (value, people having it among ids).
_flags: dict[str, tuple[str, Callable[[Collection[int] | None], set[int]]]] = {}


def register_flag(
    facet: str, value: str, people: Callable[[Collection[int] | None], set[int]]
) -> None:
    """A yes/no facet of people, computed by a higher app (``people(None)``: all of them)."""
    _flags[facet] = (value, people)


# -- reading what to index -----------------------------------------------------------------


@dataclass
class _Person:
    id: int
    first_name: str
    last_name: str
    city: str
    country: str
    settings: dict[str, Any]
    opted_out: bool
    promos: list[tuple[str, str, int]] = field(default_factory=list)
    # (title, organisation id, organisation name, short name, sector code, is current)
    positions: list[tuple[str, int, str, str, str, bool]] = field(default_factory=list)
    theses: list[tuple[str, str, str, str]] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def _load(ids: Collection[int]) -> dict[int, _Person]:
    """The people of ``ids`` with their diplomas, positions, theses, skills and flags."""
    people = {
        pk: _Person(pk, first, last, city, country, fv if isinstance(fv, dict) else {}, out)
        for pk, first, last, city, country, fv, out in Person.objects.filter(
            pk__in=ids
        ).values_list(
            "pk", "first_name", "last_name", "city", "country", "field_visibility",
            "directory_opt_out",
        )
    }  # fmt: skip
    for pid, code, track, year in (
        Affiliation.objects.filter(person_id__in=ids)
        .order_by("year", "pk")
        .values_list("person_id", "school__code", "track", "year")
    ):
        people[pid].promos.append((code, track, year))
    for pid, title, oid, name, short, sector, end in (
        Position.objects.filter(person_id__in=ids)
        .order_by("person_id", F("start").desc(nulls_last=True), "-pk")
        .values_list(
            "person_id",
            "title",
            "organisation_id",
            "organisation__name",
            "organisation__short_name",
            "organisation__sector_id",
            "end",
        )
    ):
        people[pid].positions.append((title, oid, name, short, sector or "", end is None))
    for pid, title, discipline, lab, lab_short in (
        Thesis.objects.filter(person_id__in=ids)
        .order_by("person_id", "-defence_year")
        .values_list("person_id", "title", "discipline", "lab__name", "lab__short_name")
    ):
        people[pid].theses.append((title, discipline, lab or "", lab_short or ""))
    through: Any = Person.skills.through
    for pid, skill in (
        through.objects.filter(person_id__in=ids)
        .order_by("skill__name")
        .values_list("person_id", "skill__name")
    ):
        people[pid].skills.append(skill)
    for facet, (_value, provider) in _flags.items():
        for pid in provider(ids):
            if pid in people:
                people[pid].flags.add(facet)
    return people


def _join(parts: Iterable[str]) -> str:
    kept = [p for p in parts if p]
    return kept[0] if len(kept) == 1 else " · ".join(dict.fromkeys(kept))


def _division(sector: str) -> str:
    """The NACE division (two digits) of a sector code at any level below the section."""
    head = sector.split(".")[0]
    return head if len(head) == 2 and head.isdigit() else ""


# -- one person's documents ----------------------------------------------------------------


@dataclass
class Document:
    person_id: int
    level: int
    hidden: bool
    sort_key: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    display: dict[str, Any] = field(default_factory=dict)
    facets: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)


def documents(p: _Person) -> list[Document]:
    """The person's document at each audience level."""
    name = f"{p.first_name} {p.last_name}".strip()
    sort_key = fold(f"{p.last_name} {p.first_name}")
    if p.opted_out:
        staff_only = [lvl for lvl in LEVELS if lvl >= 2]
        hidden = [Document(p.id, level, True, sort_key) for level in LEVELS if level < 2]
        return hidden + _visible_documents(p, name, sort_key, staff_only, opted_out=True)
    return _visible_documents(p, name, sort_key, LEVELS)


def _visible_documents(
    p: _Person, name: str, sort_key: str, levels: Iterable[int], *, opted_out: bool = False
) -> list[Document]:
    current = [pos for pos in p.positions if pos[5]]
    identity: dict[str, list[str]] = {
        "school": [code for code, _t, _y in p.promos],
        "track": [track for _c, track, _y in p.promos],
        "decade": [str(year // 10 * 10) for _c, _t, year in p.promos],
        "year": [str(year) for _c, _t, year in p.promos],
        # Not in the sidebar: a promo label typed in the query ("P58") filters on it.
        "promo": [promo_label(code, year) for code, _t, year in p.promos],
    }
    for facet, (value, _provider) in _flags.items():
        identity[facet] = [value] if facet in p.flags else []
    promos = [promo_label(code, year) for code, _t, year in p.promos]
    out = []
    for level in levels:
        viewer = audience(level)
        see = {g: allows(viewer, group_visibility(p.settings, g)) for g in _GROUPS}
        fields = {"name": name}
        facets = dict(identity)
        labels: dict[tuple[str, str], str] = {}
        if see["positions"]:
            fields["organisations"] = _join(
                f"{n} ({s})" if s and s != n else n for _t, _o, n, s, _sc, _c in p.positions
            )
            fields["titles"] = _join(pos[0] for pos in p.positions)
            facets["organisation"] = [str(pos[1]) for pos in current]
            facets["sector"] = [_division(pos[4]) for pos in current]
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
                facets["city"] = [fold(p.city)]
                labels[("city", fold(p.city))] = p.city
            facets["country"] = [p.country]
        position = None
        if see["positions"] and current:
            title, _oid, org, _short, _sector, _cur = current[0]
            position = f"{title} — {org}"
        display: dict[str, Any] = {"name": name, "promos": promos, "position": position}
        if opted_out:
            display["opted_out"] = True
        out.append(
            Document(
                p.id,
                level,
                False,
                sort_key,
                {k: v for k, v in fields.items() if v},
                display,
                {k: list(dict.fromkeys(v for v in vals if v)) for k, vals in facets.items()},
                labels,
            )
        )
    return out


# -- facet value numbers -------------------------------------------------------------------


def _value_ids(docs: list[Document]) -> dict[tuple[str, str], int]:
    """The number of every facet value these documents use, created when new."""
    wanted: dict[tuple[str, str], str] = {}
    for doc in docs:
        for facet, values in doc.facets.items():
            for v in values:
                wanted.setdefault((facet, v), doc.labels.get((facet, v), ""))
    if not wanted:
        return {}
    known: dict[tuple[str, str], int] = {}
    for pk, facet, value in SearchFacetValue.objects.filter(_pairs_q(wanted)).values_list(
        "pk", "facet", "value"
    ):
        known[(facet, value)] = pk
    missing = [k for k in wanted if k not in known]
    if missing:
        SearchFacetValue.objects.bulk_create(
            [
                SearchFacetValue(facet=f, value=v[:200], label=wanted[(f, v)][:200])
                for f, v in missing
            ],
            ignore_conflicts=True,
        )
        for pk, facet, value in SearchFacetValue.objects.filter(_pairs_q(missing)).values_list(
            "pk", "facet", "value"
        ):
            known[(facet, value)] = pk
    return known


def _pairs_q(pairs: Iterable[tuple[str, str]]) -> Q:
    by_facet: dict[str, list[str]] = {}
    for f, v in pairs:
        by_facet.setdefault(f, []).append(v[:200])
    q = Q(pk__in=[])
    for f, values in by_facet.items():
        q |= Q(facet=f, value__in=values)
    return q


def pack(doc: Document, ids: dict[tuple[str, str], int]) -> bytes:
    """The document's facet values as a fixed-width row of int32 (-1: empty)."""
    row = array.array("i", [-1] * WIDTH)
    if not doc.hidden:
        for facet, (start, end) in SLOTS.items():
            values = [ids[(facet, v[:200])] for v in doc.facets.get(facet, ())]
            for i, vid in enumerate(values[: end - start]):
                row[start + i] = vid
    return row.tobytes()


# -- writing -------------------------------------------------------------------------------


def next_seq() -> int:
    """The next change number, taken under the counter row's lock (held until commit)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE directory_searchsequence SET value = value + 1 WHERE id = 1")
        if cursor.rowcount == 0:
            SearchSequence.objects.get_or_create(pk=1, defaults={"value": 0})
            cursor.execute("UPDATE directory_searchsequence SET value = value + 1 WHERE id = 1")
        cursor.execute("SELECT value FROM directory_searchsequence WHERE id = 1")
        return int(cursor.fetchone()[0])


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def reindex(person_ids: Iterable[int] | None = None, *, progress: Any = None) -> int:
    """Rewrite the documents of ``person_ids`` (None: everyone); returns how many people.

    People who no longer exist get tombstones (hidden documents), so that every process drops
    them. Runs in the caller's transaction (a savepoint), or in its own.
    """
    if person_ids is None:
        ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
        gone = list(
            SearchDocument.objects.filter(level=0, hidden=False)
            .exclude(person_id__in=Person.objects.values("pk"))
            .values_list("person_id", flat=True)
        )
        ids = sorted(set(ids) | set(gone))
    else:
        ids = sorted({int(i) for i in person_ids})
    if not ids:
        return 0
    started = time.perf_counter()
    for chunk in _chunks(ids, BATCH):
        with transaction.atomic():
            _write(chunk)
        if progress is not None:
            progress(len(chunk))
    if len(ids) > BATCH:
        log.info("search documents of %d people in %.1f s", len(ids), time.perf_counter() - started)
    return len(ids)


def _write(ids: list[int]) -> None:
    people = _load(ids)
    docs: list[Document] = []
    for pid in ids:
        person = people.get(pid)
        if person is None:
            docs += [Document(pid, level, True) for level in LEVELS]
        else:
            docs += documents(person)
    value_ids = _value_ids(docs)
    seq = next_seq()
    SearchDocument.objects.bulk_create(
        [
            SearchDocument(
                person_id=d.person_id,
                level=d.level,
                hidden=d.hidden,
                sort_key=d.sort_key[:210],
                fields=d.fields,
                display=d.display,
                facets=pack(d, value_ids),
                seq=seq,
            )
            for d in docs
        ],
        update_conflicts=True,
        unique_fields=["person_id", "level"],
        update_fields=["hidden", "sort_key", "fields", "display", "facets", "seq"],
        batch_size=500,
    )
    if connection.vendor == "sqlite":
        _write_fts5(ids, docs)
    else:
        _write_tsv(docs)


def _terms(doc: Document) -> dict[str, str]:
    return {f: field_terms(doc.fields.get(f, ""), name=f == "name") for f in FIELDS}


def _write_fts5(ids: list[int], docs: list[Document]) -> None:
    marks = ",".join("?" * len(FIELDS))
    with connection.cursor() as cursor:
        for level in LEVELS:
            table = fts_table(level)
            cursor.execute(
                f"DELETE FROM {table} WHERE rowid IN ({','.join('%s' for _ in ids)})", ids
            )
        rows: dict[int, list[tuple[Any, ...]]] = {level: [] for level in LEVELS}
        for doc in docs:
            if not doc.hidden:
                terms = _terms(doc)
                rows[doc.level].append((doc.person_id, *(terms[f] for f in FIELDS)))
        for level, values in rows.items():
            if values:
                cursor.executemany(
                    f"INSERT INTO {fts_table(level)} (rowid, {', '.join(FIELDS)}) "
                    f"VALUES (%s, {marks.replace('?', '%s')})",
                    values,
                )


def _write_tsv(docs: list[Document]) -> None:
    classes = sorted(set(PG_CLASS.values()))
    expression = " || ".join(f"setweight(to_tsvector('filon_search', %s), '{c}')" for c in classes)
    rows: list[tuple[str | int, ...]] = []
    for doc in docs:
        if doc.hidden:
            rows.append((*([""] * len(classes)), doc.person_id, doc.level))
            continue
        terms = _terms(doc)
        texts = [" ".join(terms[f] for f in FIELDS if PG_CLASS[f] == c) for c in classes]
        rows.append((*texts, doc.person_id, doc.level))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE directory_searchdocument SET tsv = {expression} "
            "WHERE person_id = %s AND level = %s",
            rows,
        )


def ensure_documents() -> int:
    """Index everyone when the directory has people but no search documents (an upgrade)."""
    if SearchDocument.objects.exists() or not Person.objects.exists():
        return 0
    return reindex(None)


# -- following writes ----------------------------------------------------------------------


def _person_of(instance: Any) -> list[int]:
    pid = getattr(instance, "person_id", None)
    return [pid] if pid is not None else []


def _on_person(instance: Any, **_kwargs: Any) -> None:
    reindex([instance.pk])


def _on_part(instance: Any, **_kwargs: Any) -> None:
    ids = _person_of(instance)
    if ids and Person.objects.filter(pk=ids[0]).exists():
        reindex(ids)


def _on_skills(instance: Any, action: str = "", reverse: bool = False, pk_set: Any = None,
               **_kwargs: Any) -> None:  # fmt: skip
    if action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if not reverse:
        if action != "pre_clear":
            reindex([instance.pk])
        return
    if action == "pre_clear":
        instance._search_people = list(instance.people.values_list("pk", flat=True))
        return
    people = pk_set if action != "post_clear" else getattr(instance, "_search_people", [])
    reindex(people or [])


def _on_skill(instance: Any, created: bool = False, **_kwargs: Any) -> None:
    if not created:
        reindex(instance.people.values_list("pk", flat=True))


_ORG_FIELDS = ("name", "short_name", "sector_id")


def _before_org(instance: Any, **_kwargs: Any) -> None:
    if instance.pk is None:
        return
    instance._search_before = (
        type(instance).objects.filter(pk=instance.pk).values_list(*_ORG_FIELDS).first()
    )


def _on_org(instance: Any, created: bool = False, **_kwargs: Any) -> None:
    before = getattr(instance, "_search_before", None)
    if created or before == tuple(getattr(instance, f) for f in _ORG_FIELDS):
        return
    people = set(
        Position.objects.filter(organisation_id=instance.pk).values_list("person_id", flat=True)
    ) | set(Thesis.objects.filter(lab_id=instance.pk).values_list("person_id", flat=True))
    reindex(people)


def _on_bulk(person_ids: Any = None, **_kwargs: Any) -> None:
    reindex(person_ids)


def connect() -> None:
    """Called once from the directory's AppConfig.ready()."""
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

    from filon.directory.index_signals import bulk_write
    from filon.directory.models import Skill
    from filon.orgs.models import Organisation

    post_save.connect(_on_person, sender=Person, dispatch_uid="search-person-save")
    post_delete.connect(_on_person, sender=Person, dispatch_uid="search-person-delete")
    for model in (Affiliation, Position, Thesis):
        follow(model)
    m2m_changed.connect(_on_skills, sender=Person.skills.through, dispatch_uid="search-skills")
    post_save.connect(_on_skill, sender=Skill, dispatch_uid="search-skill-save")
    pre_save.connect(_before_org, sender=Organisation, dispatch_uid="search-org-before")
    post_save.connect(_on_org, sender=Organisation, dispatch_uid="search-org-save")
    bulk_write.connect(_on_bulk, dispatch_uid="search-bulk")


def follow(model: Any) -> None:
    """Reindex a person when a row of ``model`` (with a ``person_id``) is saved or deleted.

    For higher apps whose rows feed a registered flag (the outreach app's offers).
    """
    from django.db.models.signals import post_delete, post_save

    uid = f"search-{model._meta.label_lower}"
    post_save.connect(_on_part, sender=model, dispatch_uid=f"{uid}-save")
    post_delete.connect(_on_part, sender=model, dispatch_uid=f"{uid}-delete")
