"""E-mail delivery settings, from one URL (``FILON_EMAIL_URL``) or from separate values.

Pure: returns the values Django's e-mail settings take, never touches Django itself.

>>> cfg = mail_config("smtp://ann%40example.org:s3cr%2Fet@mail.example.org:587?tls=1")
>>> cfg.backend, cfg.host, cfg.port, cfg.user, cfg.password, cfg.use_tls
('django.core.mail.backends.smtp.EmailBackend', 'mail.example.org', 587, 'ann@example.org', \
's3cr/et', True)
>>> mail_config("console:").backend
'django.core.mail.backends.console.EmailBackend'
>>> mail_config("file:///var/spool/filon").file_path
'/var/spool/filon'
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlparse

from filon.core.env import ConfigError

#: Short names of Django's e-mail backends (a dotted path is accepted too).
BACKENDS: dict[str, str] = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class MailConfig:
    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    file_path: str = ""


def backend_path(name: str, *, variable: str = "FILON_EMAIL_BACKEND") -> str:
    """The dotted path of a backend given by short name or by path.

    >>> backend_path("console")
    'django.core.mail.backends.console.EmailBackend'
    >>> backend_path("pigeon")
    Traceback (most recent call last):
    ...
    filon.core.env.ConfigError: FILON_EMAIL_BACKEND='pigeon': use smtp, smtps, console, file, \
locmem, dummy or a dotted path
    """
    if name in BACKENDS:
        return BACKENDS[name]
    if "." in name and all(part.isidentifier() for part in name.split(".")):
        return name
    names = ", ".join(BACKENDS)
    raise ConfigError(f"{variable}={name!r}: use {names} or a dotted path")


def mail_config(url: str, *, default_file_path: str = "") -> MailConfig:
    """Read ``scheme://user:password@host:port/path?tls=1`` (user and password URL-encoded).

    ``smtp`` (``?tls=1`` for STARTTLS), ``smtps`` (TLS from the start, port 465 by default),
    ``console``, ``file`` (the path is the folder; empty: ``default_file_path``), ``locmem``
    and ``dummy``.

    >>> mail_config("smtps://relay.example.org").port
    465
    >>> mail_config("file:", default_file_path="/tmp/outbox").file_path
    '/tmp/outbox'
    >>> mail_config("pigeon://loft")
    Traceback (most recent call last):
    ...
    filon.core.env.ConfigError: FILON_EMAIL_URL: unknown scheme 'pigeon' (use smtp, smtps, \
console, file, locmem or dummy)
    """
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme not in BACKENDS:
        names = ", ".join(list(BACKENDS)[:-1]) + f" or {list(BACKENDS)[-1]}"
        raise ConfigError(f"FILON_EMAIL_URL: unknown scheme {scheme!r} (use {names})")
    if scheme == "file":
        return MailConfig(BACKENDS["file"], file_path=unquote(parsed.path) or default_file_path)
    if scheme not in {"smtp", "smtps"}:
        return MailConfig(BACKENDS[scheme])
    query = {k: v[-1].lower() for k, v in parse_qs(parsed.query).items()}
    ssl = scheme == "smtps" or query.get("ssl") in _TRUE
    try:
        port = parsed.port
    except ValueError:
        raise ConfigError("FILON_EMAIL_URL: the port is not a number") from None
    return MailConfig(
        BACKENDS["smtp"],
        host=parsed.hostname or "localhost",
        port=port or (465 if ssl else 25),
        user=unquote(parsed.username or ""),
        password=unquote(parsed.password or ""),
        use_tls=not ssl and query.get("tls") in _TRUE,
        use_ssl=ssl,
    )
