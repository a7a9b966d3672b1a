"""Django settings, read from the environment through typed helpers (see filon.core.env)."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
import platformdirs
import plotly
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from filon.core.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_database_url,
    env_int,
    env_list,
    env_path,
    env_str,
)
from filon.core.mailurl import MailConfig, backend_path, mail_config
from filon.ops.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent

try:
    DATA_DIR = env_path("FILON_DATA_DIR", Path(platformdirs.user_data_dir("filon")))
    DATABASE_URL = env_database_url("DATABASE_URL", f"sqlite:///{DATA_DIR / 'filon.sqlite3'}")
    DEBUG = env_bool("FILON_DEBUG", False)
    PRODUCTION = env_bool("FILON_PRODUCTION", False)
    ALLOWED_HOSTS = env_list("FILON_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
    CSRF_TRUSTED_ORIGINS = env_list("FILON_CSRF_TRUSTED_ORIGINS", [])
    TIME_ZONE = env_str("FILON_TIME_ZONE", "Europe/Paris")
    REVEALS_PER_DAY = env_int("FILON_REVEALS_PER_DAY", 20, minimum=0, maximum=10_000)
    # The limits of filon.audit.throttle: one budget for everything that lists or shows people,
    # daily caps on what a member posts.
    PEOPLE_PER_MINUTE = env_int("FILON_PEOPLE_PER_MINUTE", 30, minimum=1, maximum=1_000_000)
    PEOPLE_PER_DAY = env_int("FILON_PEOPLE_PER_DAY", 600, minimum=1, maximum=10_000_000)
    ASKS_PER_DAY = env_int("FILON_ASKS_PER_DAY", 10, minimum=1, maximum=1_000_000)
    OFFERS_PER_DAY = env_int("FILON_OFFERS_PER_DAY", 10, minimum=1, maximum=1_000_000)
    REQUESTS_PER_DAY = env_int("FILON_REQUESTS_PER_DAY", 10, minimum=1, maximum=1_000_000)
    OPPORTUNITIES_PER_DAY = env_int("FILON_OPPORTUNITIES_PER_DAY", 5, minimum=1, maximum=1_000_000)
    # Counters in Redis rather than in the database table (optional).
    REDIS_URL = env_str("FILON_REDIS_URL", "")
    # Mail written to the outbox folder is deleted after this many days (filon.audit.outbox).
    OUTBOX_DAYS = env_int("FILON_OUTBOX_DAYS", 30, minimum=1, maximum=3650)
    LOG_LEVEL = env_choice(
        "FILON_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
    )
    _secret = env_str("FILON_SECRET_KEY", "")
except ConfigError as exc:
    raise ImproperlyConfigured(str(exc)) from exc

if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("FILON_DEBUG and FILON_PRODUCTION cannot both be on")

# E-mail (outreach notifications, one-click answers): FILON_EMAIL_URL, or the separate
# FILON_EMAIL_* values. Unconfigured (the demo), messages are written as files to
# $FILON_DATA_DIR/outbox; the test runner swaps in the in-memory backend.
try:
    _email_url = env_str("FILON_EMAIL_URL", "")
    _email_backend = env_str("FILON_EMAIL_BACKEND", "file")
    _email_host = env_str("FILON_EMAIL_HOST", "localhost")
    _email_port = env_int("FILON_EMAIL_PORT", 25, minimum=1, maximum=65_535)
    _email_user = env_str("FILON_EMAIL_USER", "")
    _email_password = env_str("FILON_EMAIL_PASSWORD", "")
    _email_tls = env_bool("FILON_EMAIL_USE_TLS", False)
    DEFAULT_FROM_EMAIL = env_str("FILON_EMAIL_FROM", "Filon <filon@localhost>")
    SITE_URL = env_str("FILON_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    OUTREACH_EXPIRY_DAYS = env_int("FILON_OUTREACH_EXPIRY_DAYS", 14, minimum=1, maximum=365)
    OUTREACH_REMINDER_DAYS = env_int("FILON_OUTREACH_REMINDER_DAYS", 7, minimum=1, maximum=365)
    _outbox = str(DATA_DIR / "outbox")
    _mail = (
        mail_config(_email_url, default_file_path=_outbox)
        if _email_url
        else MailConfig(
            backend_path(_email_backend),
            host=_email_host,
            port=_email_port,
            user=_email_user,
            password=_email_password,
            use_tls=_email_tls,
            file_path=_outbox,
        )
    )
except ConfigError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
EMAIL_BACKEND = _mail.backend
EMAIL_HOST = _mail.host
EMAIL_PORT = _mail.port
EMAIL_HOST_USER = _mail.user
EMAIL_HOST_PASSWORD = _mail.password
EMAIL_USE_TLS = _mail.use_tls
EMAIL_USE_SSL = _mail.use_ssl
EMAIL_FILE_PATH = _mail.file_path
EMAIL_TIMEOUT = 15
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _secret_key(data_dir: Path, given: str) -> str:
    """The configured key, else one generated on first run and kept in the data folder."""
    if given:
        if len(given) < 50:
            raise ImproperlyConfigured("FILON_SECRET_KEY must be at least 50 characters long")
        return given
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key(DATA_DIR, _secret)

INSTALLED_APPS = [
    "filon.accounts",
    "filon.web",
    "filon.directory",
    "filon.orgs",
    "filon.network",
    "filon.association",
    "filon.audit",
    "filon.api",
    "filon.imports",
    "filon.outreach",
    "filon.events",
    "filon.money",
    "filon.projects",
    "filon.groups",
    "filon.opportunities",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "filon.audit.middleware.LimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "filon.urls"
WSGI_APPLICATION = "filon.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_db = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE avoids lock upgrades.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if _db["NAME"] and _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # filled by collectstatic when `filon serve` starts
# plotly's own JavaScript, served from the installed package (no CDN): /static/plotly/plotly.min.js
STATICFILES_DIRS = [("plotly", Path(plotly.__file__).resolve().parent / "package_data")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps' folders when collectstatic has not run (tests, first start).
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False}},
}

# Shared by every server process: the rate limits (searches, contact reveals) hold across them.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "filon_cache",
    }
}

# -- Operations (filon.ops): the task queue and periodic jobs of `filon worker`, JSON logs
# without personal data, health checks. Kept in one block; see the README's « Production ».
try:
    TASK_RETENTION_DAYS = env_int("FILON_TASK_RETENTION_DAYS", 14, minimum=1, maximum=3650)
    LOG_FORMAT = env_choice("FILON_LOG_FORMAT", "json", ("json", "text"))
except ConfigError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "filon.ops"]
# Tasks wait in the database (SQLite or PostgreSQL: no other service) for `filon worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# First: it times the whole request and stamps every log record with the request id.
MIDDLEWARE.insert(0, "filon.ops.middleware.RequestLogMiddleware")
LOGGING = logging_config(LOG_LEVEL, LOG_FORMAT)

# -- Accounts (filon.accounts): django-allauth's login, password reset and second factor,
# invitations from the directory, API token lifetime. Kept in one block; see the README's
# « Accounts » section.
try:
    INVITATION_DAYS = env_int("FILON_INVITATION_DAYS", 30, minimum=1, maximum=365)
    # Staff and admins need a second factor (TOTP or WebAuthn) in production, or on request.
    STAFF_MFA = env_bool("FILON_STAFF_MFA", False) or PRODUCTION
    API_TOKEN_DAYS = env_int("FILON_API_TOKEN_DAYS", 90, minimum=1, maximum=3650)
    LOGIN_ATTEMPTS = env_int("FILON_LOGIN_ATTEMPTS", 5, minimum=1, maximum=1000)
    LOGIN_WINDOW_MINUTES = env_int("FILON_LOGIN_WINDOW_MINUTES", 15, minimum=1, maximum=1440)
except ConfigError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
INSTALLED_APPS += ["allauth", "allauth.account", "allauth.mfa"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "allauth.account.middleware.AccountMiddleware",
)
# After the login requirement: a staff account without a second factor, when one is required,
# reaches nothing but the pages that set one up.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.LoginRequiredMiddleware") + 1,
    "filon.accounts.middleware.StaffSecondFactorMiddleware",
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append(  # type: ignore[index]
    "filon.accounts.context_processors.accounts"
)
# Error pages in Filon's layout: an over-long address gets the 414 page (gunicorn refuses
# request lines over 8190 bytes itself), a refused CSRF check the 403 page.
MIDDLEWARE.insert(1, "filon.accounts.errors.UriTooLongMiddleware")
CSRF_FAILURE_VIEW = "filon.accounts.errors.csrf_failure"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "filon.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "filon.accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CHANGE_EMAIL = True  # a new login address counts only once confirmed from its inbox
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Filon] "
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_RATE_LIMITS = {
    # Failed logins, per address and per IP (an office's NAT gets four accounts' worth).
    "login_failed": (
        f"{4 * LOGIN_ATTEMPTS}/{LOGIN_WINDOW_MINUTES}m/ip,"
        f"{LOGIN_ATTEMPTS}/{LOGIN_WINDOW_MINUTES}m/key"
    ),
    "reset_password": "20/m/ip,3/15m/key",
    # « Première connexion ? »: activation e-mails asked for, per IP and per address.
    "first_login": "20/m/ip,3/15m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Filon"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION  # http://127.0.0.1 in the demo

# -- Text no database can store (filon.web.unstorable): a NUL character in a form field or a
# query string gets the 400 page before any view runs; the API's schemas answer 422 themselves.
MIDDLEWARE.append("filon.web.unstorable.RefuseUnstorableInput")

# -- Security headers and request body limits (filon.web.middleware, django-csp). Kept in one
# block; see the README's « Security headers and limits ».
INSTALLED_APPS += ["csp"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # Scripts only from the site (htmx, plotly, filon/*.js: all served locally) or carrying
        # this response's nonce: no 'unsafe-inline', no 'unsafe-eval', so no inline handler
        # (onclick=, hx-on:…) and no injected <script> runs. plotly figures are JSON data
        # blocks drawn by filon/charts.js (filon.core.plotly_embed), not inline scripts.
        "script-src": [SELF, NONCE],
        # Styles: filon.css and the like, or a <style> with the nonce; no 'unsafe-inline', so
        # no style= attribute in a template (a test checks them all). plotly.js writes its rules
        # into <style> elements it looks for by id: web/_plotly.html puts them there first,
        # with the nonce. Styles set from scripts (plotly, htmx) go through the DOM: allowed.
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],  # data: for the icons of the API's documentation page
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features no page of Filon uses, refused to every origin (filon.web.middleware).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
}
# The one place for request body limits. RequestBodyLimitMiddleware answers 413 from the
# announced Content-Length, before anything reads the body (an anonymous 60 MB POST to the login
# page is refused at once); Django's two limits bound what is read after that.
REQUEST_BODY_MAX_BYTES = 1024 * 1024  # any request: pages' forms, the API's JSON, the login page
UPLOAD_FILE_MAX_BYTES = 20 * 1024 * 1024  # one uploaded file (the upload forms check it too)
# A staff upload: the file, a column mapping (100 kB at most) and the form's fields.
UPLOAD_BODY_MAX_BYTES = UPLOAD_FILE_MAX_BYTES + 1024 * 1024
# Where staff members (and only they) may send UPLOAD_BODY_MAX_BYTES.
UPLOAD_PATH_PREFIXES = ("/imports/",)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES  # a body's fields, files aside
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # above it, an uploaded file waits in a temporary file
# Outermost after Django's SecurityMiddleware: every answer gets the headers, a 413 included.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "filon.web.middleware.SecurityHeadersMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
# Right after authentication (staff may send more), before anything reads the body.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "filon.web.middleware.RequestBodyLimitMiddleware",
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append(  # type: ignore[index]
    "filon.web.context_processors.csp_nonce"
)
