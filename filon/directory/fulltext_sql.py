"""The full-text engine's own objects, per database: created by migration 0005.

- SQLite: one FTS5 table per audience level, ``directory_search_fts<level>``, whose rowid is the
  person's id and whose columns are the searchable fields (:data:`filon.core.fulltext.FIELDS`),
  holding the index terms of :func:`filon.core.fulltext.field_terms`. The ``unicode61``
  tokenizer with ``remove_diacritics 2`` folds whatever the pipeline did not; ``prefix='2 3'``
  keeps short prefix queries fast.
- PostgreSQL: the ``tsv`` column of ``directory_searchdocument`` with a GIN index, built with
  the ``filon_search`` text search configuration (``simple`` words through ``unaccent``); the
  name, organisations… go into weight classes A to D (:data:`filon.core.fulltext.PG_CLASS`).
"""

from __future__ import annotations

from filon.core.fulltext import FIELDS

LEVELS = (0, 1, 2)


def fts_table(level: int) -> str:
    return f"directory_search_fts{int(level)}"


def create_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        cols = ", ".join(FIELDS)
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts_table(level)} USING fts5({cols}, "
            "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
            for level in LEVELS
        ]
    if vendor == "postgresql":
        return [
            "CREATE EXTENSION IF NOT EXISTS unaccent",
            "DO $$ BEGIN "
            "IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'filon_search') THEN "
            "CREATE TEXT SEARCH CONFIGURATION filon_search (COPY = simple); "
            "ALTER TEXT SEARCH CONFIGURATION filon_search "
            "ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, "
            "hword_asciipart, hword_part, hword_numpart WITH unaccent, simple; "
            "END IF; END $$",
            "ALTER TABLE directory_searchdocument ADD COLUMN IF NOT EXISTS tsv tsvector",
            "CREATE INDEX IF NOT EXISTS directory_searchdocument_tsv "
            "ON directory_searchdocument USING gin (tsv)",
        ]
    raise NotImplementedError(f"full-text search is not available on {vendor}")


def drop_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TABLE IF EXISTS {fts_table(level)}" for level in LEVELS]
    return [
        "DROP INDEX IF EXISTS directory_searchdocument_tsv",
        "ALTER TABLE directory_searchdocument DROP COLUMN IF EXISTS tsv",
    ]


def purge_sql(vendor: str) -> list[str]:
    """Statements that drop the terms of deleted or rewritten rows from the index's storage.

    FTS5 keeps a deleted row's terms in its older segments until they are merged; an erasure
    must not leave a name there, so it merges every segment into one (``optimize``). On
    PostgreSQL an updated row's old version goes at the next vacuum, and the new one holds
    only the new terms.
    """
    if vendor == "sqlite":
        return [
            f"INSERT INTO {fts_table(level)}({fts_table(level)}) VALUES('optimize')"
            for level in LEVELS
        ]
    return []
