"""`filon backup` and `filon restore`: a generated network backed up, restored into another data
folder (and, on PostgreSQL, another database), every table's row count and checksum compared.

The commands run as subprocesses, each with its own FILON_DATA_DIR and DATABASE_URL, as an
administrator would run them on two machines.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

BASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = BASE_URL.startswith(("postgres://", "postgresql://"))

FINGERPRINTS = (
    "from filon.cli.base import django_setup; django_setup(); import json; "
    "from filon.ops.backup import fingerprints; print(json.dumps(fingerprints()))"
)


@dataclass
class Site:
    """One data folder and its database."""

    env: dict[str, str]
    folder: Path
    pg_name: str | None = None

    def filon(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "filon.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"filon {' '.join(args)}: {done.returncode}\n{done.stderr}")
        return done

    def fingerprints(self) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-c", FINGERPRINTS],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        result: dict[str, Any] = json.loads(done.stdout)
        return result


def _pg_admin(statement: str) -> None:
    import psycopg

    admin = urllib.parse.urlsplit(BASE_URL)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(statement)


def make_site(root: Path, name: str, engine: str) -> Site:
    folder = root / name
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FILON_WARM_UP")}
    env["FILON_DATA_DIR"] = str(folder)
    site = Site(env, folder)
    if engine == "postgresql":
        site.pg_name = f"filon_backup_{name}_{uuid.uuid4().hex[:8]}"
        _pg_admin(f'CREATE DATABASE "{site.pg_name}"')
        url = urllib.parse.urlsplit(BASE_URL)._replace(path=f"/{site.pg_name}").geturl()
        env["DATABASE_URL"] = url
    return site


def drop(site: Site) -> None:
    if site.pg_name:
        _pg_admin(f'DROP DATABASE IF EXISTS "{site.pg_name}" WITH (FORCE)')


@dataclass
class RoundTrip:
    source: Site
    target: Site
    archive: Path
    summary: dict[str, Any]
    restored: dict[str, Any]


def engines() -> list[Any]:
    why = ""
    if not ON_POSTGRES:
        why = "the suite runs on SQLite: DATABASE_URL=postgres://… tests pg_dump and pg_restore"
    elif not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        why = "pg_dump / pg_restore are not installed (apt-get install postgresql-client)"
    return [
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.skipif(bool(why), reason=why or "-")),
    ]


@pytest.fixture(scope="module", params=engines())
def round_trip(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[RoundTrip]:
    root = tmp_path_factory.mktemp(f"backup-{request.param}")
    source = make_site(root, "source", request.param)
    target = make_site(root, "target", request.param)
    try:
        source.filon("generate", "--members", "300", "--seed", "2")
        upload = source.folder / "media" / "imports" / "annuaire.csv"
        upload.parent.mkdir(parents=True)
        upload.write_text("nom;prénom\nDumas;Claire\n")
        archive = root / "filon.tar.gz"
        summary = json.loads(source.filon("backup", str(archive), "--json").stdout)
        restored = json.loads(target.filon("restore", str(archive), "--confirm", "--json").stdout)
        yield RoundTrip(source, target, archive, summary, restored)
    finally:
        drop(source)
        drop(target)


def test_a_restored_backup_has_every_table_row_for_row(round_trip: RoundTrip) -> None:
    before = round_trip.source.fingerprints()
    after = round_trip.target.fingerprints()
    assert before["directory_person"]["rows"] == 300
    assert len(before) > 50
    assert after == before
    assert (
        round_trip.summary["rows"]
        == round_trip.restored["rows"]
        == sum(t["rows"] for t in before.values())
    )


def test_the_uploads_and_the_secret_key_come_back(round_trip: RoundTrip) -> None:
    source, target = round_trip.source.folder, round_trip.target.folder
    upload = Path("media/imports/annuaire.csv")
    assert (target / upload).read_text() == (source / upload).read_text()
    assert (target / "secret_key").read_text() == (source / "secret_key").read_text()
    assert (target / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_archive_is_owner_only_and_lists_its_checksums(round_trip: RoundTrip) -> None:
    assert round_trip.archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(round_trip.archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    database = "database.sqlite3" if manifest["engine"] == "sqlite" else "database.pgdump"
    assert names == {"manifest.json", *manifest["files"]}
    assert {database, "secret_key", "media/imports/annuaire.csv"} == set(manifest["files"])
    assert all(len(f["sha256"]) == 64 for f in manifest["files"].values())
    assert manifest["migrations"]["ops"] == "0001_initial"


def test_a_restore_never_writes_over_a_database(round_trip: RoundTrip) -> None:
    again = round_trip.target.filon("restore", str(round_trip.archive), "--confirm", check=False)
    assert again.returncode == 1
    assert "n'est pas vide" in again.stderr


def test_a_damaged_archive_is_refused_before_anything_is_written(
    round_trip: RoundTrip, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(round_trip.archive) as tar, tarfile.open(damaged, "w:gz") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member)
            assert data is not None
            content = data.read()
            if member.name == "media/imports/annuaire.csv":
                content = content.replace(b"Claire", b"Claira")
            member.size = len(content)
            out.addfile(member, __import__("io").BytesIO(content))
    empty = make_site(tmp_path, "empty", "sqlite")
    refused = empty.filon("restore", str(damaged), "--confirm", check=False)
    assert refused.returncode == 1
    assert "somme de contrôle fausse pour media/imports/annuaire.csv" in refused.stderr
    assert not (empty.folder / "media" / "imports").exists()


def test_without_confirm_a_restore_only_checks(round_trip: RoundTrip, tmp_path: Path) -> None:
    if round_trip.source.pg_name:
        pytest.skip("checked on SQLite: the same code path")
    empty = make_site(tmp_path, "dry", "sqlite")
    dry = empty.filon("restore", str(round_trip.archive), check=False)
    assert dry.returncode == 1 and "--confirm" in dry.stderr
    db = empty.folder / "filon.sqlite3"
    assert not db.exists() or db.stat().st_size == 0
