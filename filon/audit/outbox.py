"""The outbox: mail written as files to ``EMAIL_FILE_PATH`` when no mail server is configured
(the demo, or a site that relays the files itself). It holds names and e-mail addresses, so it
is kept ``FILON_OUTBOX_DAYS`` days (:func:`prune`, run daily by the worker) and a person's
erasure removes every message that names them (:func:`forget`).

Django's file backend writes one file per connection, messages separated by a line of 79
dashes; :func:`forget` rewrites a file without the messages that match and deletes it when none
is left. Matching reads the decoded message (headers and every text part), so an address in a
base64 or quoted-printable body is found as well as a plain one.
"""

from __future__ import annotations

import email
import email.policy
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings

SEPARATOR = "-" * 79


def folder() -> Path | None:
    """The outbox folder, when mail goes to files."""
    path = getattr(settings, "EMAIL_FILE_PATH", None)
    return Path(path) if path else None


def files() -> list[Path]:
    where = folder()
    if where is None or not where.is_dir():
        return []
    return sorted(p for p in where.iterdir() if p.is_file())


def prune(days: int | None = None) -> dict[str, int]:
    """Delete the messages older than ``days`` (default ``FILON_OUTBOX_DAYS``)."""
    keep = int(days if days is not None else getattr(settings, "OUTBOX_DAYS", 30))
    limit = time.time() - keep * 86_400
    removed = 0
    for path in files():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return {"files_removed": removed, "days": keep}


def split(text: str) -> list[str]:
    """The messages of one outbox file."""
    return [part for part in text.split(SEPARATOR) if part.strip()]


def readable(raw: str) -> str:
    """One message as a person reads it: decoded headers and text parts, casefolded."""
    message: Any = email.message_from_string(raw.lstrip("\n"), policy=email.policy.default)
    parts = [f"{key}: {value}" for key, value in message.items()]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            try:
                parts.append(part.get_content())
            except (LookupError, ValueError):
                parts.append(str(part.get_payload()))
    return "\n".join(parts).casefold()


def mentions(raw: str, strings: Iterable[str]) -> bool:
    text = readable(raw)
    plain = raw.casefold()
    return any(s.casefold() in text or s.casefold() in plain for s in strings)


def forget(strings: Iterable[str]) -> int:
    """Remove every message that names one of ``strings``; return how many went."""
    wanted = [s for s in strings if s and len(s.strip()) >= 4]
    if not wanted:
        return 0
    removed = 0
    for path in files():
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        messages = split(text)
        kept = [m for m in messages if not mentions(m, wanted)]
        if len(kept) == len(messages):
            continue
        removed += len(messages) - len(kept)
        if kept:
            path.write_text(f"\n{SEPARATOR}\n".join(kept) + f"\n{SEPARATOR}\n", encoding="utf-8")
        else:
            path.unlink(missing_ok=True)
    return removed
