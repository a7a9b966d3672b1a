"""Typed readers for environment variables that refuse bad values.

Every setting Filon reads from the environment is declared once in :data:`SETTINGS`,
with its default and its meaning; the README's configuration table is checked against it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse


class ConfigError(ValueError):
    """An environment variable holds a value Filon cannot use."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "FILON_DATA_DIR",
        "the per-user data folder (e.g. ~/.local/share/filon)",
        "Folder holding the SQLite database, the secret key, uploads and collected static files.",
    ),
    Setting(
        "DATABASE_URL",
        "sqlite:///$FILON_DATA_DIR/filon.sqlite3",
        "Database: `postgres://user@host:5432/name` for PostgreSQL. SQLite runs in WAL mode.",
    ),
    Setting(
        "FILON_SECRET_KEY",
        "generated once, stored in $FILON_DATA_DIR/secret_key",
        "Django's secret key (signs sessions and one-click links). At least 50 characters.",
    ),
    Setting("FILON_DEBUG", "false", "Django debug pages. Never in production."),
    Setting(
        "FILON_PRODUCTION",
        "false",
        "Behind HTTPS: secure cookies, HSTS, HTTPS redirect (passes `check --deploy`).",
    ),
    Setting(
        "FILON_ALLOWED_HOSTS",
        "127.0.0.1,localhost",
        "Comma-separated host names the server answers to.",
    ),
    Setting(
        "FILON_CSRF_TRUSTED_ORIGINS",
        "(empty)",
        "Comma-separated origins (https://filon.example.org) trusted for posts behind a proxy.",
    ),
    Setting(
        "FILON_REVEALS_PER_DAY",
        "20",
        "How many members' contact details one member may reveal per day (anti-scraping).",
    ),
    Setting(
        "FILON_PEOPLE_PER_MINUTE",
        "30",
        "The scraping budget, per member and minute: searches, profiles, network map, paths, "
        "who-at, alumni lists, targeted contacts and the API's people, counted together.",
    ),
    Setting("FILON_PEOPLE_PER_DAY", "600", "The same budget per member and day."),
    Setting("FILON_ASKS_PER_DAY", "10", "Asks for help one member may post per day."),
    Setting("FILON_OFFERS_PER_DAY", "10", "Offers of help one member may post per day."),
    Setting(
        "FILON_REQUESTS_PER_DAY",
        "10",
        "Contact and introduction requests one member may send per day.",
    ),
    Setting(
        "FILON_OPPORTUNITIES_PER_DAY",
        "5",
        "Opportunities (jobs, missions, calls, needs for expertise) one member may post per day.",
    ),
    Setting(
        "FILON_REDIS_URL",
        "(empty)",
        "`redis://host:6379/0`: keep the limits' counters in Redis instead of the database.",
    ),
    Setting(
        "FILON_OUTBOX_DAYS",
        "30",
        "Days mail written to the outbox folder is kept; erasing a person removes theirs at once.",
    ),
    Setting("FILON_TIME_ZONE", "Europe/Paris", "Time zone used to display dates."),
    Setting("FILON_LOG_LEVEL", "INFO", "Log level: DEBUG, INFO, WARNING, ERROR or CRITICAL."),
    Setting(
        "FILON_EMAIL_URL",
        "(empty)",
        "Where e-mail goes, in one URL: `smtp://user:password@host:587?tls=1`, `smtps://…`, "
        "`console:`, `file:///folder`. Overrides the FILON_EMAIL_* values below.",
    ),
    Setting(
        "FILON_EMAIL_BACKEND",
        "file",
        "Without FILON_EMAIL_URL: `smtp`, `console`, `file` (messages written to "
        "$FILON_DATA_DIR/outbox), `locmem`, `dummy`, or a dotted path.",
    ),
    Setting("FILON_EMAIL_HOST", "localhost", "SMTP server (with FILON_EMAIL_BACKEND=smtp)."),
    Setting("FILON_EMAIL_PORT", "25", "SMTP port."),
    Setting("FILON_EMAIL_USER", "(empty)", "SMTP user name."),
    Setting("FILON_EMAIL_PASSWORD", "(empty)", "SMTP password."),
    Setting("FILON_EMAIL_USE_TLS", "false", "SMTP with STARTTLS."),
    Setting(
        "FILON_EMAIL_FROM",
        "Filon <filon@localhost>",
        "Sender of Filon's e-mails (notifications, one-click answers, reminders).",
    ),
    Setting(
        "FILON_SITE_URL",
        "http://127.0.0.1:8000",
        "The site's public address, used for the links in e-mails.",
    ),
    Setting(
        "FILON_OUTREACH_EXPIRY_DAYS",
        "14",
        "Days a contact or introduction request (and its one-click links) waits for an answer.",
    ),
    Setting(
        "FILON_OUTREACH_REMINDER_DAYS",
        "7",
        "Days before a reminder: to log a meeting and thank the helper, or to answer after "
        "« pas maintenant ».",
    ),
    Setting(
        "FILON_INVITATION_DAYS",
        "30",
        "Days an invitation's link (choose a password, first login) stays valid; it works once.",
    ),
    Setting(
        "FILON_STAFF_MFA",
        "false",
        "Staff and admins must set up a second factor (TOTP app or security key) before "
        "reaching any page; always on with FILON_PRODUCTION.",
    ),
    Setting("FILON_API_TOKEN_DAYS", "90", "Days an API token works after its creation."),
    Setting(
        "FILON_TASK_RETENTION_DAYS",
        "14",
        "Days `filon worker` keeps finished tasks (their arguments hold the e-mails sent).",
    ),
    Setting(
        "FILON_LOG_FORMAT",
        "json",
        "`json`: one JSON object per log line (request id, route, status, duration, user id; "
        "never paths, query strings, e-mails or names); `text`: the same as plain lines.",
    ),
    Setting(
        "FILON_LOGIN_ATTEMPTS",
        "5",
        "Failed logins allowed per address within the window (four times as many per IP); "
        "the next attempt is refused with the time to retry.",
    ),
    Setting("FILON_LOGIN_WINDOW_MINUTES", "15", "The window of FILON_LOGIN_ATTEMPTS, in minutes."),
)

_TRUE = {"1", "true", "yes", "on", "oui", "vrai"}
_FALSE = {"0", "false", "no", "off", "non", "faux", ""}


def env_str(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    """Read a string; the default applies when the variable is unset.

    >>> env_str("X", "d", environ={})
    'd'
    >>> env_str("X", "d", environ={"X": " v "})
    'v'
    """
    environ = os.environ if environ is None else environ
    value = environ.get(name)
    return default if value is None else value.strip()


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    """Read a boolean, refusing anything that is not clearly yes or no.

    >>> env_bool("X", False, environ={"X": "oui"})
    True
    >>> env_bool("X", True, environ={"X": "maybe"})
    Traceback (most recent call last):
    ...
    filon.core.env.ConfigError: X='maybe' is not a boolean (use 1/0, true/false, yes/no)
    """
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Read an integer within bounds.

    >>> env_int("X", 5, minimum=1, environ={"X": "12"})
    12
    >>> env_int("X", 5, minimum=1, environ={"X": "0"})
    Traceback (most recent call last):
    ...
    filon.core.env.ConfigError: X=0 is below the minimum 1
    """
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum {minimum}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name}={value} is above the maximum {maximum}")
    return value


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """Read a comma-separated list, dropping blanks.

    >>> env_list("X", [], environ={"X": "a, b,,c"})
    ['a', 'b', 'c']
    """
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None:
        return list(default)
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_choice(
    name: str, default: str, choices: tuple[str, ...], *, environ: Mapping[str, str] | None = None
) -> str:
    """Read one value out of a fixed set (case-insensitive, returned as declared).

    >>> env_choice("X", "INFO", ("DEBUG", "INFO"), environ={"X": "debug"})
    'DEBUG'
    """
    value = env_str(name, default, environ=environ)
    for choice in choices:
        if value.lower() == choice.lower():
            return choice
    raise ConfigError(f"{name}={value!r} must be one of {', '.join(choices)}")


def env_path(name: str, default: Path, *, environ: Mapping[str, str] | None = None) -> Path:
    """Read a folder path; ``~`` is expanded and the result is absolute."""
    raw = env_str(name, "", environ=environ)
    path = Path(raw).expanduser() if raw else default
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{name}={str(path)!r} exists and is not a folder")
    return path.resolve()


def env_database_url(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    """Read a database URL, accepting only the engines Filon supports.

    >>> env_database_url("D", "sqlite:///x", environ={"D": "postgres://u@h/db"})
    'postgres://u@h/db'
    >>> env_database_url("D", "sqlite:///x", environ={"D": "mysql://h/db"})
    Traceback (most recent call last):
    ...
    filon.core.env.ConfigError: D: unsupported database 'mysql' (use sqlite or postgres)
    """
    value = env_str(name, default, environ=environ) or default
    scheme = urlparse(value).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigError(f"{name}: unsupported database {scheme!r} (use sqlite or postgres)")
    return value
