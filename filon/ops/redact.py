"""Scrubbing personal data out of free text: e-mail addresses, query strings, tokens.

Used by the JSON log formatter (every message and traceback passes through it) and for the
reasons kept with bounced e-mails (an SMTP server's refusal quotes the address).
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A query string: after "?" up to the next blank or quote.
QUERY = re.compile(r"\?[^\s\"'<>]+")
# One-click tokens, session keys, signed values: 20+ characters of a token alphabet (a signed
# value holds ":" separators), with at least one digit so that ordinary words stay.
TOKEN = re.compile(r"(?<![\w:.-])(?=[\w:.-]*\d)[A-Za-z0-9_:.-]{20,}(?![\w:.-])")


def redact(text: str) -> str:
    """``text`` with e-mail addresses, query strings and token-like strings replaced.

    >>> redact("GET /r/eyJ0eXAiOi1Jv2bpQ:1tX9Vd:abcdEF12345/ ?q=Claire+Dumas to a.b@example.org")
    'GET /r/[token]/ ?[query] to [email]'
    """
    text = EMAIL.sub("[email]", text)
    text = QUERY.sub("?[query]", text)
    return TOKEN.sub("[token]", text)
