"""Logs as JSON lines, without personal data.

Every record becomes one JSON object: ``time``, ``level``, ``logger``, ``message`` and, during
a request, ``request_id``; the request log line of :mod:`filon.ops.middleware` adds
``method``, ``route`` (the URL's name, never its path), ``status``, ``duration_ms`` and
``user_id``. Messages and tracebacks pass through :func:`filon.ops.redact.redact` (e-mail
addresses, query strings, tokens), and Django's own request warnings keep their reason but
lose the path. Set ``FILON_LOG_FORMAT=text`` for one plain line per record, redacted alike.
"""

from __future__ import annotations

import contextvars
import json
import logging
from datetime import UTC, datetime
from typing import Any

from filon.ops.redact import redact

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "filon_request_id", default=None
)

# The only attributes of a record written beside its message.
FIELDS = ("method", "route", "status", "duration_ms", "user_id", "task", "job")
# Loggers whose arguments are the request's path: their message keeps only the reason.
PATH_LOGGERS = ("django.request", "django.server", "django.security")


def message_of(record: logging.LogRecord) -> str:
    if record.name.startswith(PATH_LOGGERS) and record.args:
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        return redact(str(args[0]))
    return redact(record.getMessage())


class RequestIdFilter(logging.Filter):
    """Stamp each record with the request being served (if any)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": message_of(record),
        }
        rid = getattr(record, "request_id", None) or request_id.get()
        if rid:
            entry["request_id"] = rid
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        status_code = getattr(record, "status_code", None)
        if status_code is not None and "status" not in entry:
            entry["status"] = status_code
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        parts = [
            datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds"),
            record.levelname,
            record.name,
            message_of(record),
        ]
        extra = [f"{name}={getattr(record, name)}" for name in FIELDS if hasattr(record, name)]
        rid = getattr(record, "request_id", None)
        if rid:
            extra.insert(0, f"request_id={rid}")
        line = " ".join(parts + extra)
        if record.exc_info:
            line += "\n" + redact(self.formatException(record.exc_info))
        return line


def logging_config(level: str, fmt: str = "json") -> dict[str, Any]:
    """The LOGGING setting: every record to standard error, through one formatter."""
    handler = {
        "class": "logging.StreamHandler",
        "formatter": fmt,
        "filters": ["request_id"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "filon.ops.logs.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "filon.ops.logs.JsonFormatter"},
            "text": {"()": "filon.ops.logs.TextFormatter"},
        },
        "handlers": {"console": handler},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            # django-tasks-db's worker says "No more tasks" at every round of `filon worker`.
            "django_tasks_db": {"level": "WARNING"},
            # At DEBUG these write template contexts and SQL parameters: personal data.
            "django.template": {"level": "INFO"},
            "django.db.backends": {"level": "INFO"},
        },
    }
