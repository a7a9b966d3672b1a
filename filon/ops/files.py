"""Owner-only files: the data folder (0700) and the SQLite database in it (0600).

The folder holds the secret key, the database, uploads and backups' temporary files; no other
account on the machine needs to read any of it. SQLite creates its ``-wal`` and ``-shm`` files
with the database file's mode, so creating the database file owner-only is enough.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from django.conf import settings

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def sqlite_path() -> Path | None:
    """The SQLite database file, or None on PostgreSQL or in memory."""
    db = settings.DATABASES["default"]
    name = str(db.get("NAME") or "")
    if db["ENGINE"] != "django.db.backends.sqlite3" or not name or name == ":memory:":
        return None
    if name.startswith("file:"):
        return None
    return Path(name)


# What Filon writes in its data folder (settings, network index, outbox, gunicorn's socket).
OWN_ENTRIES = (
    "secret_key",
    "filon.sqlite3",
    "static",
    "media",
    "index",
    "outbox",
    "gunicorn",
    ".filon-",  # a restore's work folder
)


def is_filon_folder(folder: Path) -> bool:
    """Whether everything in ``folder`` is Filon's own."""
    with contextlib.suppress(OSError):
        return all(entry.name.startswith(OWN_ENTRIES) for entry in folder.iterdir())
    return False


def secure_data_dir() -> None:
    """Create (or tighten) the data folder and the SQLite file with owner-only modes."""
    secure(Path(settings.DATA_DIR), sqlite_path())


def secure(folder: Path, db: Path | None) -> None:
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if is_filon_folder(folder):  # never a shared folder someone pointed FILON_DATA_DIR at
        _tighten(folder, FOLDER_MODE)
    if db is None:
        return
    db.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if not db.exists():
        # An empty file is a valid new SQLite database: create it owner-only before SQLite
        # creates it with the process's umask (world-readable, 644, by default).
        with contextlib.suppress(FileExistsError):
            os.close(os.open(db, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    for suffix in ("", "-wal", "-shm"):
        _tighten(Path(f"{db}{suffix}"), FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    """Remove the group's and others' rights from a file or folder this account owns."""
    with contextlib.suppress(OSError):
        st = path.stat()
        if st.st_uid == os.getuid() and st.st_mode & 0o077:
            path.chmod(mode)
