"""Backups that restore: the database, the uploads and the secret key in one archive.

``filon backup FILE`` writes a gzip-compressed tar archive holding

- ``manifest.json``: the format, Filon's version, the database engine, the applied migrations,
  every table's row count and checksum, and each file's size and SHA-256;
- ``database.sqlite3`` (SQLite's online backup API: consistent while the server writes) or
  ``database.pgdump`` (``pg_dump --format=custom``, taken in the same snapshot as the
  checksums);
- ``secret_key`` (sessions and one-click links stay valid after a restore);
- ``media/…``: the uploads (``MEDIA_ROOT``).

``filon restore FILE --confirm`` checks every file's SHA-256 first, then restores into an empty
data folder (and, on PostgreSQL, an empty database), and checks every table's row count and
checksum against the manifest. The archive holds the secret key and personal data: it is
written owner-only (0600); keep it so.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

import filon
from filon.ops.files import FILE_MODE, FOLDER_MODE, sqlite_path

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
SECRET_FILE = "secret_key"
MEDIA = "media"


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why, in French."""


# -- table fingerprints ---------------------------------------------------------------------


def _value(v: Any) -> Any:
    if isinstance(v, memoryview):
        return bytes(v)
    return v


def _fingerprint(rows: Iterable[tuple[Any, ...]]) -> dict[str, Any]:
    """Row count and a checksum independent of row order (each row hashed, the sorted hashes
    hashed again)."""
    digests = sorted(
        hashlib.sha256(repr(tuple(_value(v) for v in row)).encode()).digest() for row in rows
    )
    total = hashlib.sha256()
    for digest in digests:
        total.update(digest)
    return {"rows": len(digests), "sha256": total.hexdigest()}


def sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    """Every ordinary table (full-text indexes are counted through their shadow tables)."""
    return [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
        )
    ]


def sqlite_fingerprints(path: Path) -> dict[str, dict[str, Any]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t: _fingerprint(conn.execute(f'SELECT * FROM "{t}"')) for t in sqlite_tables(conn)}
    finally:
        conn.close()


def pg_fingerprints() -> dict[str, dict[str, Any]]:
    """Every table of the current PostgreSQL database (Django's connection, its transaction)."""
    result = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
        tables = [name for (name,) in cursor.fetchall()]
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            result[table] = _fingerprint(cursor.fetchall())
    return result


def fingerprints() -> dict[str, dict[str, Any]]:
    """Row count and checksum of every table of the configured database."""
    path = sqlite_path()
    if path is not None:
        return sqlite_fingerprints(path)
    if connection.vendor != "postgresql":
        raise BackupError(f"base de données non prise en charge : {connection.vendor}")
    return pg_fingerprints()


# -- helpers ----------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _pg_env_args() -> tuple[dict[str, str], list[str]]:
    """Environment and connection options for pg_dump / pg_restore, from Django's settings."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    args += ["--dbname", str(db["NAME"])]
    return env, args


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} est introuvable : installez le client PostgreSQL (apt-get install "
            "postgresql-client), de la même version majeure que le serveur ou plus récente."
        )
    return found


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} a échoué : {done.stderr.strip()[-2000:]}")


def _migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def _media_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path


# -- backup ------------------------------------------------------------------------------------


def _dump_database(work: Path) -> tuple[str, Path, dict[str, dict[str, Any]]]:
    """The database copied into ``work``: its engine, the copy's path, its tables' prints."""
    path = sqlite_path()
    if path is not None:
        if not path.exists():
            raise BackupError(f"la base {path} n'existe pas")
        target = work / SQLITE_FILE
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # the online backup API: a consistent copy, even mid-write
        finally:
            copy.close()
            source.close()
        return "sqlite", target, sqlite_fingerprints(target)
    if connection.vendor != "postgresql":
        raise BackupError(f"base de données non prise en charge : {connection.vendor}")
    target = work / PG_FILE
    env, args = _pg_env_args()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The checksums and pg_dump read the same snapshot of the database.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot_id,) = cursor.fetchone()
        tables = pg_fingerprints()
        _run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot_id}",
                f"--file={target}",
                *args,
            ],
            env,
        )
    return "postgresql", target, tables


def backup(dest: Path) -> dict[str, Any]:
    """Write the archive to ``dest`` (replaced only once complete); return its manifest."""
    dest = dest.resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".filon-backup-", dir=dest.parent) as tmp:
        work = Path(tmp)
        work.chmod(FOLDER_MODE)
        engine, db_file, tables = _dump_database(work)
        secret = work / SECRET_FILE
        secret.write_text(settings.SECRET_KEY)
        secret.chmod(FILE_MODE)
        media_root = Path(settings.MEDIA_ROOT)
        entries: list[tuple[str, Path]] = [(db_file.name, db_file), (SECRET_FILE, secret)]
        entries += [
            (f"{MEDIA}/{p.relative_to(media_root).as_posix()}", p) for p in _media_files(media_root)
        ]
        manifest = {
            "format": FORMAT,
            "filon": filon.__version__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "engine": engine,
            "migrations": _migrations(),
            "tables": tables,
            "files": {
                name: {"size": p.stat().st_size, "sha256": _sha256(p)} for name, p in entries
            },
        }
        partial = work / "archive.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), FILE_MODE, int(datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            for name, path in entries:
                tar.add(path, arcname=name, recursive=False, filter=_owner_only)
        os.replace(partial, dest)
    return manifest


def _owner_only(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = FILE_MODE
    return info


# -- restore -----------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile(MANIFEST)
        if member is None:
            raise BackupError("l'archive n'a pas de manifest.json")
        manifest: dict[str, Any] = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"format d'archive inconnu : {manifest.get('format')}")
    return manifest


def unpack(archive: Path, work: Path) -> dict[str, Any]:
    """Extract ``archive`` into ``work`` and check every file against the manifest."""
    try:
        manifest = read_manifest(archive)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")
    except (OSError, tarfile.TarError, json.JSONDecodeError) as exc:
        raise BackupError(f"archive illisible : {exc}") from None
    listed = set(manifest["files"])
    found = {p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file()} - {MANIFEST}
    if found != listed:
        extra, missing = sorted(found - listed), sorted(listed - found)
        raise BackupError(f"archive incomplète ou modifiée : en trop {extra}, manquants {missing}")
    for name, facts in manifest["files"].items():
        if _sha256(work / name) != facts["sha256"]:
            raise BackupError(f"somme de contrôle fausse pour {name} : archive abîmée")
    return manifest


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return not sqlite_tables(conn)
    finally:
        conn.close()


def _pg_is_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        (count,) = cursor.fetchone()
    return count == 0


def check_target(manifest: dict[str, Any]) -> None:
    """Refuse to restore over anything: the database and the uploads folder must be empty."""
    path = sqlite_path()
    engine = "sqlite" if path is not None else connection.vendor
    if engine != manifest["engine"]:
        raise BackupError(
            f"l'archive vient d'une base {manifest['engine']}, la configuration vise {engine} "
            "(DATABASE_URL)"
        )
    if path is not None and not _sqlite_is_empty(path):
        raise BackupError(f"la base {path} n'est pas vide : restaurez dans un dossier vide")
    if path is None and not _pg_is_empty():
        raise BackupError("la base PostgreSQL n'est pas vide : restaurez dans une base neuve")
    media = Path(settings.MEDIA_ROOT)
    if any(_media_files(media)):
        raise BackupError(f"le dossier des fichiers {media} n'est pas vide")


def restore(archive: Path) -> dict[str, Any]:
    """Restore ``archive`` into the configured (empty) database and data folder; return the
    manifest once every table matches it."""
    data_dir = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(prefix=".filon-restore-", dir=data_dir) as tmp:
        work = Path(tmp)
        work.chmod(FOLDER_MODE)
        manifest = unpack(archive, work)
        check_target(manifest)
        path = sqlite_path()
        if path is not None:
            connection.close()
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            restored = work / SQLITE_FILE
            restored.chmod(FILE_MODE)
            os.replace(restored, path)
            tables = sqlite_fingerprints(path)
        else:
            env, args = _pg_env_args()
            _run(
                [
                    _tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    *args,
                    str(work / PG_FILE),
                ],
                env,
            )
            connection.close()
            tables = pg_fingerprints()
        media = work / MEDIA
        if media.is_dir():
            target = Path(settings.MEDIA_ROOT)
            target.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
            for source in _media_files(media):
                dest = target / source.relative_to(media)
                dest.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
                shutil.move(str(source), dest)
        secret = data_dir / SECRET_FILE
        with contextlib.suppress(FileNotFoundError):
            secret.unlink()
        fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "w") as f:
            f.write((work / SECRET_FILE).read_text())
    differ = sorted(
        t
        for t in manifest["tables"].keys() | tables.keys()
        if manifest["tables"].get(t) != tables.get(t)
    )
    if differ:
        raise BackupError(f"tables restaurées différentes de l'archive : {', '.join(differ)}")
    return manifest
