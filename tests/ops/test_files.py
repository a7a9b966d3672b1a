"""The data folder is owner-only (0700), the SQLite database too (0600), and gunicorn's control
socket lives in the data folder, never in the home folder."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from filon.cli.core_commands import _control_socket
from filon.ops.files import secure


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_migrate_creates_an_owner_only_data_folder_and_database(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["FILON_DATA_DIR"] = str(folder)
    subprocess.run(
        [sys.executable, "-m", "filon.cli", "migrate"],
        env=env,
        check=True,
        capture_output=True,
        preexec_fn=lambda: os.umask(0o022),  # the usual umask: files 644, folders 755
    )
    db = folder / "filon.sqlite3"
    assert db.stat().st_size > 0
    assert mode(folder) == 0o700
    assert mode(db) == 0o600
    for suffix in ("-wal", "-shm"):
        side = Path(f"{db}{suffix}")
        if side.exists():
            assert mode(side) == 0o600
    assert mode(folder / "secret_key") == 0o600


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    db = folder / "filon.sqlite3"
    db.write_bytes(b"")
    db.chmod(0o644)
    (folder / "static").mkdir()
    secure(folder, db)
    assert (mode(folder), mode(db)) == (0o700, 0o600)


def test_a_folder_holding_other_files_is_left_as_it_is(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    (shared / "someone-elses.txt").write_text("x")
    secure(shared, shared / "filon.sqlite3")
    assert mode(shared) == 0o755
    assert mode(shared / "filon.sqlite3") == 0o600


def test_gunicorns_control_socket_is_in_the_data_folder_or_off(tmp_path: Path) -> None:
    args = _control_socket(tmp_path, 8123)
    assert args == [
        "--control-socket",
        str(tmp_path / "gunicorn-8123.ctl"),
        "--control-socket-mode",
        "0600",
    ]
    deep = tmp_path / ("x" * 120)
    assert _control_socket(deep, 8123) == ["--no-control-socket"]
