"""Settings come from the environment and refuse bad values, in Django and in the `filon` CLI.

Each case runs in a fresh interpreter: settings are read once, at import.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

#: Variables the parent (a developer's shell, CI's PostgreSQL run) may set and that would
#: change what the child reads.
_INHERITED = ("DATABASE_URL", "FILON_", "DJANGO_")


def run(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(_INHERITED)}
    base.update(DJANGO_SETTINGS_MODULE="filon.settings", FILON_DATA_DIR=str(data_dir), **env)
    return subprocess.run(
        [sys.executable, *args], env=base, capture_output=True, text=True, timeout=60
    )


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    key = secrets.token_urlsafe(60)[:60]
    done = run(
        ["-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        FILON_PRODUCTION="1",
        FILON_SECRET_KEY=key,
    )
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_development_settings_fail_the_deploy_check(tmp_path: Path) -> None:
    # The check above is only meaningful if --deploy does find something without production.
    done = run(["-m", "django", "check", "--deploy", "--fail-level", "WARNING"], tmp_path)
    assert done.returncode != 0
    assert "security.W" in done.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FILON_DEBUG": "maybe"}, "FILON_DEBUG='maybe' is not a boolean"),
        ({"DATABASE_URL": "mysql://x/y"}, "unsupported database 'mysql' (use sqlite or postgres)"),
        ({"FILON_SECRET_KEY": "too-short"}, "FILON_SECRET_KEY must be at least 50 characters"),
        ({"FILON_DEBUG": "1", "FILON_PRODUCTION": "1"}, "cannot both be on"),
    ],
    ids=["debug", "database", "secret-key", "debug-in-production"],
)
def test_bad_setting_stops_django_with_a_clear_message(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    done = run(["-m", "django", "check"], tmp_path, **env)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert message in done.stderr


def test_default_settings_pass_the_check(tmp_path: Path) -> None:
    done = run(["-m", "django", "check"], tmp_path)
    assert done.returncode == 0, done.stderr
    # The secret key was generated once, private, in the data folder.
    key = tmp_path / "secret_key"
    assert len(key.read_text()) >= 50
    assert key.stat().st_mode & 0o777 == 0o600


def test_cli_turns_a_bad_setting_into_a_one_line_error(tmp_path: Path) -> None:
    # COLUMNS pins the width rich wraps at when not writing to a terminal.
    done = run(["-m", "filon.cli", "migrate"], tmp_path, FILON_DEBUG="maybe", COLUMNS="80")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Configuration invalide")
    assert "FILON_DEBUG='maybe'" in lines[0]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "filon.sqlite3").exists()
