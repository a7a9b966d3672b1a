"""Upgrades: a database made by the previous release's migrations (the committed fixture, from
commit 33727c7, before filon.ops) migrates to the current code, and its data survive."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
# Tables that migrations legitimately grow (new models' permissions, content types, history)
# and the graph's change log, which a new snapshot may shorten.
GROWING = {"auth_permission", "django_content_type", "django_migrations", "network_graphchange"}


def test_a_previous_release_database_migrates_and_keeps_its_data(tmp_path: Path) -> None:
    facts = json.loads((FIXTURES / "previous_release.json").read_text())
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "filon.sqlite3"
    with gzip.open(FIXTURES / "previous_release.sqlite3.gz") as src, db.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["FILON_DATA_DIR"] = str(folder)

    def filon(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "filon.cli", *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    before = sqlite3.connect(db)
    applied_before = before.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    before.close()
    filon("migrate")

    conn = sqlite3.connect(db)
    tables = {
        name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert {"ops_periodicjob", "ops_emailbounce", "django_tasks_database_dbtaskresult"} <= tables
    applied = conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    assert applied > applied_before
    for table, rows in facts["counts"].items():
        assert table in tables, f"{table} was dropped"
        now = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        if table in GROWING:
            assert now >= rows or table == "network_graphchange", table
        else:
            assert now == rows, f"{table}: {rows} rows before, {now} after"
    conn.close()

    members = json.loads(filon("stats", "members", "--json"))
    assert members["total"] == facts["members"]
    found = json.loads(filon("search", "Dumas", "--json"))
    assert found["total"] >= 1
