"""Inserting many rows fast: what ``bulk_create`` does, without its per-object overhead.

``QuerySet.bulk_create`` spends most of its time preparing each object field by field through
several layers of the SQL compiler (about 60 µs an object here): for 30,000 annuaire rows
that is most of an import. :func:`insert` builds the same multi-row ``INSERT … RETURNING``
statements directly, calling each field's own ``pre_save`` and ``get_db_prep_save`` (so
values are adapted exactly as Django adapts them), and sets the primary keys on the objects.
Like ``bulk_create`` it sends no signal and relies on both SQLite (3.35+) and PostgreSQL
returning the new keys in the order of the VALUES.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper

#: Bound parameters per statement, under PostgreSQL's limit (65,535); SQLite says its own.
MAX_PARAMS = 30_000


def _max_params(connection: BaseDatabaseWrapper) -> int:
    if connection.vendor != "sqlite":
        return MAX_PARAMS
    import sqlite3

    connection.ensure_connection()
    try:
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except (AttributeError, sqlite3.Error):  # Python < 3.11
        limit = connection.features.max_query_params
    return min(MAX_PARAMS, int(limit))


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert ``objs`` (unsaved instances of ``model``) and set their primary keys."""
    if not objs:
        return
    db = router.db_for_write(model)
    connection = connections[db]
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields: list[Any] = [f for f in meta.concrete_fields if f is not pk]
    relations = [f for f in fields if f.is_relation]
    qn = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    columns = ", ".join(qn(f.column) for f in fields)
    head = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES "
    tail = f" RETURNING {qn(str(pk.column))}"
    size = max(1, _max_params(connection) // max(1, len(fields)))
    for start in range(0, len(objs), size):
        batch = objs[start : start + size]
        params: list[Any] = []
        for obj in batch:
            for f in relations:
                # What Model._prepare_related_fields_for_save does: take the key of a related
                # object saved since it was assigned.
                if getattr(obj, f.attname) is None and f.is_cached(obj):
                    related = f.get_cached_value(obj)
                    if related is not None:
                        setattr(obj, f.attname, related.pk)
            for f in fields:
                params.append(f.get_db_prep_save(f.pre_save(obj, True), connection))
        with connection.cursor() as cursor:
            cursor.execute(head + ", ".join([row] * len(batch)) + tail, params)
            keys = [r[0] for r in cursor.fetchall()]
        for obj, key in zip(batch, keys, strict=True):
            obj.pk = key
            obj._state.adding = False
            obj._state.db = db


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert plain tuples of already adapted values (ints and strings) into ``columns``."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    meta = model._meta
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    head = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "
    size = max(1, _max_params(connection) // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(head + ", ".join([row] * len(batch)), [v for r in batch for v in r])
