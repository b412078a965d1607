"""Rapport's one settings module, driven by environment variables (see .env.example)."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from rapport.lib.env import env_bool, env_int, env_list, env_rate, env_str, secret_key

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("RAPPORT_DATA_DIR", str(BASE_DIR / "var"))).resolve()
TESTING = env_bool("RAPPORT_TESTING", default=False)

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "Rapport")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "rapport.jobs",
    "rapport.people",
    "rapport.cases",
    "rapport.triage",
    "rapport.routing",
    "rapport.insights",
    "rapport.care",
    "rapport.outreach",
    "rapport.mail",
    "rapport.chat",
    "rapport.surveys",
    "rapport.social",
    "rapport.portal",
    "rapport.datacare",
    "rapport.workspace",
    "rapport.api",
    "rapport.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the CSRF check, so that its 403 under /api/v1/ is JSON too.
    "rapport.api.middleware.ApiErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rapport.lib.csp.ContentSecurityPolicyMiddleware",
    # After the URL is resolved: rate limits per client address, then idle timeout and the
    # second factor; axes last, so its lockout answer replaces the login page's.
    "rapport.workspace.ratelimits.RateLimitMiddleware",
    "rapport.workspace.signin.SignInMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rapport.urls"
WSGI_APPLICATION = "rapport.wsgi.application"
ASGI_APPLICATION = "rapport.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rapport.workspace.context.workspace",
            ],
        },
    }
]


def _database() -> dict[str, Any]:
    url = env_str("DATABASE_URL")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'rapport.sqlite3'}"
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets the web process read while the worker writes; IMMEDIATE avoids
            # deadlocking upgrades from read to write locks. synchronous=FULL syncs the WAL at
            # every commit: with NORMAL a committed transaction (a stored mail already answered
            # with 250) can vanish on a power cut.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;"
                " PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
        # A file (not shared-cache memory) so tests with threads see real SQLite locking; one
        # per test process so two runs on one machine never share it.
        config["TEST"] = {
            "NAME": str(Path(tempfile.gettempdir()) / f"rapport-test-{os.getpid()}.sqlite3")
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_HEALTH_CHECKS"] = True
        # Every commit waits for its WAL to be flushed (a stored mail is answered with 250 only
        # then), whatever the server's default: a cluster tuned with synchronous_commit=off
        # could lose the last commits on a crash.
        options = config.setdefault("OPTIONS", {})
        # A write waits at most 10 s for a lock another holds, as SQLite's busy_timeout: then it
        # is refused (503, rapport/lib/busy.py) instead of hanging a person's request.
        options["options"] = (
            f"{options.get('options', '')} -c synchronous_commit=on -c lock_timeout=10s"
        ).strip()
        if os.environ.get("RAPPORT_SERVER") == "asgi":
            # Under ASGI each request's database work runs in a thread of its own, so a
            # connection kept for its thread (CONN_MAX_AGE) is never reused and piles up until
            # PostgreSQL refuses everyone ("too many clients"). A bounded pool per process
            # instead: a request waits up to its timeout for a free connection.
            config["CONN_MAX_AGE"] = 0
            options["pool"] = {
                "min_size": 1,
                "max_size": env_int("RAPPORT_DB_POOL_SIZE", default=10, minimum=1),
                "timeout": 10,
            }
    else:
        raise ImproperlyConfigured("DATABASE_URL must point at SQLite or PostgreSQL")
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, for scale: a shared cache for every process and, with TASKS_BACKEND=redis, the queue.
REDIS_URL = env_str("REDIS_URL")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
}
_tasks_backend = env_str("TASKS_BACKEND", "database")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS.get(_tasks_backend, _tasks_backend)}}
if TASKS["default"]["BACKEND"] == _TASK_BACKENDS["redis"]:
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=redis needs REDIS_URL (redis://host:6379/0)")
    INSTALLED_APPS.append("django_rq")
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}}

# Nudges to live clients (rapport/lib/nudges.py). The layer only says "fetch"; a lost nudge makes
# a client late, never loses a line. In memory by default: one process only, so a nudge sent by
# the worker does not reach the web process (the clients' slow poll covers it). With REDIS_URL
# every process shares the layer (docs/operations.md). Each socket's consumer waits for its
# nudges with a 5 s blocking read (channels_redis's BZPOPMIN); redis-py 8 gives up on any read
# after 5 s by default, which killed idle consumers (django/channels_redis#422): reads here may
# wait longer than the blocking read.
# Every socket of one web process shares one Redis inbox (channels_redis); past `capacity`
# waiting messages it drops the rest (channels_redis#96). The default, 100, was reached by a
# process holding 500 customer sockets in bench/chat.py.
RAPPORT_CHANNEL_CAPACITY = 5000
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                "capacity": RAPPORT_CHANNEL_CAPACITY,
            },
        }
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# A password-reset link works for two hours (Django's default is three days).
PASSWORD_RESET_TIMEOUT = 2 * 3600
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request otherwise
MEDIA_URL = "/files/"
MEDIA_ROOT = Path(env_str("RAPPORT_FILES_DIR", str(DATA_DIR / "files")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

# Served over HTTPS (production): redirect plain HTTP, send HSTS, mark cookies Secure. Off in the
# embedded default, which listens on plain HTTP on loopback.
RAPPORT_HTTPS = env_bool("RAPPORT_HTTPS", default=False)
SECURE_SSL_REDIRECT = RAPPORT_HTTPS
_hsts_seconds = env_int("RAPPORT_HSTS_SECONDS", default=31_536_000, minimum=0)
SECURE_HSTS_SECONDS = _hsts_seconds if RAPPORT_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("RAPPORT_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("RAPPORT_HSTS_PRELOAD", default=False)
# The request header by which the TLS-terminating proxy says the client used HTTPS (it must set
# it to "https" and strip it from clients), e.g. X-Forwarded-Proto. Unset: no proxy is trusted.
_proxy_ssl_header = env_str("RAPPORT_PROXY_SSL_HEADER").strip()
if _proxy_ssl_header:
    if not re.fullmatch(r"[A-Za-z0-9-]+", _proxy_ssl_header):
        raise ImproperlyConfigured(
            f"RAPPORT_PROXY_SSL_HEADER={_proxy_ssl_header!r} is not a header name"
            " (e.g. X-Forwarded-Proto)"
        )
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=RAPPORT_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Send the Content-Security-Policy as report-only (violations reported, nothing blocked): for
# trying a change to the pages in production before enforcing it. Default: enforced.
RAPPORT_CSP_REPORT_ONLY = env_bool("RAPPORT_CSP_REPORT_ONLY", default=False)

EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", default=25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "support@rapport.localhost")

# Data care: days after which the raw bytes of settled inbound mail are deleted (0 = keep them),
# where `rapport backup` writes archives, and where pg_dump/pg_restore live (found if unset).
RAPPORT_RAW_MAIL_RETENTION_DAYS = env_int("RAPPORT_RAW_MAIL_RETENTION_DAYS", default=0, minimum=0)
RAPPORT_BACKUP_DIR = Path(env_str("RAPPORT_BACKUP_DIR", str(DATA_DIR / "backups")))
RAPPORT_PG_BINDIR = env_str("RAPPORT_PG_BINDIR")

# The largest request body a form or the API reads; over it the API answers 413 in its error
# shape (the mail webhook has its own limit, RAPPORT_INBOUND_MAX_BYTES). The default fits one
# attachment of RAPPORT_ATTACHMENT_MAX_BYTES sent base64-encoded in a JSON body.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int(
    "RAPPORT_MAX_REQUEST_BYTES", default=16 * 1024 * 1024, minimum=65_536
)

# Case numbers in subjects and the inbox page size.
RAPPORT_PAGE_SIZE = env_int("RAPPORT_PAGE_SIZE", default=50, minimum=5)
RAPPORT_DEFAULT_PHONE_REGION = env_str("RAPPORT_DEFAULT_PHONE_REGION", "US")
RAPPORT_SUPPORT_PHONE = env_str("RAPPORT_SUPPORT_PHONE", "+1 555 0100")
# Seconds after which a viewer who stopped sending heartbeats is no longer shown.
RAPPORT_PRESENCE_TTL = env_int("RAPPORT_PRESENCE_TTL", default=30, minimum=5)
# How often the inbox, the case page and the notifications ask whether anything changed.
RAPPORT_LIVE_POLL_SECONDS = env_int("RAPPORT_LIVE_POLL_SECONDS", default=10, minimum=1)
# While the desk's socket is up its nudges say when to ask; the poll slows to this (a safety net).
RAPPORT_LIVE_SLOW_POLL_SECONDS = env_int("RAPPORT_LIVE_SLOW_POLL_SECONDS", default=30, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Seconds a worker or web process reuses its count of each agent's open cases when routing.
RAPPORT_ROUTING_LOAD_TTL = env_int("RAPPORT_ROUTING_LOAD_TTL", default=5, minimum=0)
# Minutes before a response deadline at which the case owner is warned.
RAPPORT_SLA_WARN_MINUTES = env_int("RAPPORT_SLA_WARN_MINUTES", default=30, minimum=1)
# Hand a case back to the customer's own person when they return from absence.
RAPPORT_RETURN_TO_OWNER = env_bool("RAPPORT_RETURN_TO_OWNER", default=True)
# How often the worker's scheduler looks for things that have come due.
RAPPORT_SWEEP_SECONDS = env_int("RAPPORT_SWEEP_SECONDS", default=30, minimum=1)
# An agent's email notifications are gathered into one mail at most this often.
RAPPORT_NOTIFY_EMAIL_MINUTES = env_int("RAPPORT_NOTIFY_EMAIL_MINUTES", default=5, minimum=1)

# Caps checked by the actions (web, API and command line alike), with a clear error past them.
RAPPORT_CASE_MAX_TAGS = env_int("RAPPORT_CASE_MAX_TAGS", default=50, minimum=1)
RAPPORT_MAX_IDENTITIES_PER_REQUEST = env_int(
    "RAPPORT_MAX_IDENTITIES_PER_REQUEST", default=20, minimum=1
)

# Inbound email (rapport/mail): threading, loop safety and the ways in.
# A new mail joins an open case of the same customer with the same subject updated this recently.
RAPPORT_THREAD_WINDOW_DAYS = env_int("RAPPORT_THREAD_WINDOW_DAYS", default=14, minimum=0)
# Per-sender flood guard: more than this many mails in the window are stored but rejected.
RAPPORT_INTAKE_RATE_LIMIT = env_int("RAPPORT_INTAKE_RATE_LIMIT", default=20, minimum=1)
RAPPORT_INTAKE_RATE_MINUTES = env_int("RAPPORT_INTAKE_RATE_MINUTES", default=10, minimum=1)
# Files an agent attaches to one reply or note, and the largest each may be (bytes).
RAPPORT_ATTACHMENTS_MAX_COUNT = env_int("RAPPORT_ATTACHMENTS_MAX_COUNT", default=10, minimum=1)
RAPPORT_ATTACHMENT_MAX_BYTES = env_int(
    "RAPPORT_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024, minimum=1024
)
# Live chat (rapport/chat): the longest line a customer may send (characters), the largest
# file they may attach (bytes).
RAPPORT_CHAT_MAX_TEXT = env_int("RAPPORT_CHAT_MAX_TEXT", default=4000, minimum=100)
RAPPORT_CHAT_ATTACHMENT_MAX_BYTES = env_int(
    "RAPPORT_CHAT_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024, minimum=1024
)
# The contact page's message form (rapport/portal): the largest file a visitor may attach.
RAPPORT_CONTACT_ATTACHMENT_MAX_BYTES = env_int(
    "RAPPORT_CONTACT_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024, minimum=1024
)
# The kinds of file a chat visitor may send, by extension (lower case, no dot).
_CHAT_FILE_KINDS = "jpg jpeg png gif webp heic pdf txt csv doc docx xls xlsx odt ods"
RAPPORT_CHAT_ATTACHMENT_TYPES = [
    t.lower().lstrip(".")
    for t in env_list("RAPPORT_CHAT_ATTACHMENT_TYPES", _CHAT_FILE_KINDS.split())
]
# A chat visitor proving their email: minutes a mailed code works, wrong tries before it locks.
RAPPORT_CHAT_CODE_MINUTES = env_int("RAPPORT_CHAT_CODE_MINUTES", default=10, minimum=1)
RAPPORT_CHAT_CODE_ATTEMPTS = env_int("RAPPORT_CHAT_CODE_ATTEMPTS", default=5, minimum=1)
# The chat's expected wait: median time to the first human reply over the last N days of chats.
RAPPORT_CHAT_WAIT_WINDOW_DAYS = env_int("RAPPORT_CHAT_WAIT_WINDOW_DAYS", default=14, minimum=1)
# How long "Ana is typing…" lasts in the chat's poll answer without being said again (seconds).
RAPPORT_CHAT_TYPING_SECONDS = env_int("RAPPORT_CHAT_TYPING_SECONDS", default=6, minimum=2)
# An agent's chat reply the customer has not seen after this many minutes is emailed to them
# (from the agent, batched, on the case's thread) when they gave an address the desk may write to.
RAPPORT_CHAT_UNSEEN_EMAIL_MINUTES = env_int(
    "RAPPORT_CHAT_UNSEEN_EMAIL_MINUTES", default=3, minimum=1
)
# On a desk without businesses: minutes after which a chat no person has answered is told so
# and offered a call back or email (a business sets its own, Brand.chat_answer_minutes).
RAPPORT_CHAT_ANSWER_MINUTES = env_int("RAPPORT_CHAT_ANSWER_MINUTES", default=5, minimum=1)
# Social listening (rapport/social, docs/social.md). The webhook POST /api/v1/social/posts takes
# an agent's API token, or an HMAC-SHA256 of the body with this secret (unset: tokens only).
RAPPORT_SOCIAL_WEBHOOK_SECRET = env_str("RAPPORT_SOCIAL_WEBHOOK_SECRET")
# The longest post text taken in (characters); a longer one is refused, not cut.
RAPPORT_SOCIAL_MAX_TEXT = env_int("RAPPORT_SOCIAL_MAX_TEXT", default=20000, minimum=500)
# First-response targets: a public post (minutes), a review with a star rating (hours).
RAPPORT_SOCIAL_RESPONSE_MINUTES = env_int("RAPPORT_SOCIAL_RESPONSE_MINUTES", default=60, minimum=1)
RAPPORT_SOCIAL_REVIEW_RESPONSE_HOURS = env_int(
    "RAPPORT_SOCIAL_REVIEW_RESPONSE_HOURS", default=24, minimum=1
)
# Largest message accepted on every way in: SMTP, IMAP, the pipe, the webhook (bytes).
RAPPORT_INBOUND_MAX_BYTES = env_int(
    "RAPPORT_INBOUND_MAX_BYTES", default=25 * 1024 * 1024, minimum=1024
)
# Longest header field the parser is given (bytes, folded lines included); longer ones are cut
# before parsing (CPython's header parser is quadratic in a header's length). Raw mail is kept.
RAPPORT_INBOUND_MAX_HEADER_BYTES = env_int(
    "RAPPORT_INBOUND_MAX_HEADER_BYTES", default=32 * 1024, minimum=1024
)
# Attachments stored from one mail, and To/Cc recipients read from it; the rest stay in the raw.
RAPPORT_INBOUND_MAX_ATTACHMENTS = env_int("RAPPORT_INBOUND_MAX_ATTACHMENTS", default=100, minimum=1)
RAPPORT_INBOUND_MAX_RECIPIENTS = env_int("RAPPORT_INBOUND_MAX_RECIPIENTS", default=100, minimum=1)
# A mail that was being processed when its worker died (killed, out of memory) this many times
# is quarantined: left aside, listed on the intake page with the reason, retried by a person.
RAPPORT_INTAKE_MAX_CRASHES = env_int("RAPPORT_INTAKE_MAX_CRASHES", default=3, minimum=1)
# Shared secret of the provider webhook POST /mail/inbound/; unset, the endpoint does not exist.
RAPPORT_INBOUND_SECRET = env_str("RAPPORT_INBOUND_SECRET")
# Seconds after which a stored mail nobody processed is queued again (a worker died).
RAPPORT_INTAKE_STALE_SECONDS = env_int("RAPPORT_INTAKE_STALE_SECONDS", default=60, minimum=5)
# Automatic attempts for a mail whose processing fails; then it waits on the intake page.
RAPPORT_INTAKE_MAX_ATTEMPTS = env_int("RAPPORT_INTAKE_MAX_ATTEMPTS", default=5, minimum=1)

# IMAP mailboxes read by `rapport fetch-imap`: comma-separated imaps://user:pass@host:993/INBOX
# URLs (percent-encode ':', '@', ',' and '/' in the password; RAPPORT_IMAP_MAILBOXES_FILE works).
RAPPORT_IMAP_MAILBOXES = [
    url.strip() for url in env_str("RAPPORT_IMAP_MAILBOXES").split(",") if url.strip()
]
# Seconds between polls of a mailbox whose server has no IDLE (or without --idle).
RAPPORT_IMAP_POLL_SECONDS = env_int("RAPPORT_IMAP_POLL_SECONDS", default=60, minimum=1)

# Outgoing email (rapport/mail/outbound.py): attempts on temporary SMTP failures (4xx, no
# connection), RAPPORT_EMAIL_RETRY_SECONDS apart and doubling, before a reply is marked failed.
RAPPORT_EMAIL_MAX_ATTEMPTS = env_int("RAPPORT_EMAIL_MAX_ATTEMPTS", default=5, minimum=1)
RAPPORT_EMAIL_RETRY_SECONDS = env_int("RAPPORT_EMAIL_RETRY_SECONDS", default=60, minimum=1)
# Acknowledge the first email of a new case from a person (never an auto-reply or bounce), once
# per case, naming the owner and when they will answer. Off by default.
RAPPORT_EMAIL_ACKNOWLEDGE = env_bool("RAPPORT_EMAIL_ACKNOWLEDGE", default=False)
# Automatic mails (acknowledgments, anything no person wrote) to one customer's address in 24
# hours, at most: a bot that changes its subject every time gets no more than this.
RAPPORT_EMAIL_AUTOMATIC_PER_DAY = env_int("RAPPORT_EMAIL_AUTOMATIC_PER_DAY", default=3, minimum=0)

# --- Sign-in, sessions, API tokens and rate limits (docs/security.md) -------------------------
# Behind a reverse proxy: how many proxies append to X-Forwarded-For in front of Rapport. 0 (the
# default) uses the connection's address; 1 trusts the address the nearest proxy saw, and so on.
RAPPORT_TRUSTED_PROXY_COUNT = env_int("RAPPORT_TRUSTED_PROXY_COUNT", default=0, minimum=0)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account or address first
    "django.contrib.auth.backends.ModelBackend",
]
# Wrong passwords before an account, and separately an address, is locked out; for how long.
RAPPORT_LOGIN_FAILURE_LIMIT = env_int("RAPPORT_LOGIN_FAILURE_LIMIT", default=5, minimum=1)
RAPPORT_LOGIN_LOCKOUT_MINUTES = env_int("RAPPORT_LOGIN_LOCKOUT_MINUTES", default=15, minimum=1)
AXES_FAILURE_LIMIT = RAPPORT_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=RAPPORT_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: account or address
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lockout ends on time, whatever is tried
AXES_CLIENT_IP_CALLABLE = "rapport.lib.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "rapport.workspace.views.auth.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # people.SecurityEvent is the audit of sign-ins
AXES_VERBOSE = False

# Sessions end after this many minutes without a page the agent opened, and in any case this
# many hours after signing in.
RAPPORT_SESSION_IDLE_MINUTES = env_int("RAPPORT_SESSION_IDLE_MINUTES", default=60, minimum=1)
RAPPORT_SESSION_MAX_HOURS = env_int("RAPPORT_SESSION_MAX_HOURS", default=12, minimum=1)
SESSION_COOKIE_AGE = RAPPORT_SESSION_MAX_HOURS * 3600

# A one-time code from an authenticator app (TOTP) after the password: always for supervisors,
# and for every agent when this is true.
RAPPORT_TWO_FACTOR_FOR_ALL = env_bool("RAPPORT_TWO_FACTOR_FOR_ALL", default=False)
OTP_TOTP_ISSUER = SITE_NAME

# Days an API token works unless it is given its own lifetime; the longest lifetime allowed.
RAPPORT_API_TOKEN_DAYS = env_int("RAPPORT_API_TOKEN_DAYS", default=90, minimum=1)
RAPPORT_API_TOKEN_MAX_DAYS = env_int("RAPPORT_API_TOKEN_MAX_DAYS", default=730, minimum=1)
if RAPPORT_API_TOKEN_DAYS > RAPPORT_API_TOKEN_MAX_DAYS:
    raise ImproperlyConfigured("RAPPORT_API_TOKEN_DAYS cannot exceed RAPPORT_API_TOKEN_MAX_DAYS")

# Days the link in an agent's invitation lets them choose their password.
RAPPORT_INVITATION_DAYS = env_int("RAPPORT_INVITATION_DAYS", default=7, minimum=1)

# Days a customer's case status link (in every acknowledgment and reply) works.
RAPPORT_STATUS_LINK_DAYS = env_int("RAPPORT_STATUS_LINK_DAYS", default=30, minimum=1)

# Requests per client address to the endpoints anyone can reach ("N/m", "N/10m", "N/h" or off),
# counted in the default cache: set REDIS_URL when more than one process serves the desk.
RAPPORT_RATE_LOGIN = env_rate("RAPPORT_RATE_LOGIN", "20/m")
RAPPORT_RATE_PASSWORD_RESET = env_rate("RAPPORT_RATE_PASSWORD_RESET", "5/h")
RAPPORT_RATE_CONTACT = env_rate("RAPPORT_RATE_CONTACT", "10/h")
RAPPORT_RATE_INBOUND = env_rate("RAPPORT_RATE_INBOUND", "600/m")
RAPPORT_RATE_ANONYMOUS = env_rate("RAPPORT_RATE_ANONYMOUS", "300/m")
# The case status page (rapport/portal/status/): what a link holder posts (reply, a call, solved,
# reopen), and asking for a fresh link by email.
RAPPORT_RATE_STATUS_LINK = env_rate("RAPPORT_RATE_STATUS_LINK", "30/h")
RAPPORT_RATE_STATUS_LINK_FRESH = env_rate("RAPPORT_RATE_STATUS_LINK_FRESH", "5/h")
# The chat widget's public API (rapport/chat/views.py): new chats per client address, lines
# posted per client address and per conversation.
RAPPORT_RATE_CHAT_START = env_rate("RAPPORT_RATE_CHAT_START", "10/h")
RAPPORT_RATE_CHAT_POST = env_rate("RAPPORT_RATE_CHAT_POST", "60/m")
RAPPORT_RATE_CHAT_CONVERSATION = env_rate("RAPPORT_RATE_CHAT_CONVERSATION", "30/m")
# Email codes asked for, counted per conversation, per address mailed and per client address.
RAPPORT_RATE_CHAT_CODE = env_rate("RAPPORT_RATE_CHAT_CODE", "5/h")
# Posts to the social webhook (rapport/api/social.py), per client address.
RAPPORT_RATE_SOCIAL_WEBHOOK = env_rate("RAPPORT_RATE_SOCIAL_WEBHOOK", "600/m")
# Answers posted to the public survey page (rapport/surveys), per client address.
RAPPORT_RATE_SURVEY = env_rate("RAPPORT_RATE_SURVEY", "20/h")

# Sender authentication (rapport/mail/authentication.py): the authserv-ids of the MTAs whose
# Authentication-Results headers are believed. Empty (default): results are not read.
RAPPORT_EMAIL_TRUSTED_AUTHSERV_IDS = [
    i.lower() for i in env_list("RAPPORT_EMAIL_TRUSTED_AUTHSERV_IDS", [])
]

# Surveys (rapport/surveys, docs/customer-side.md). Off: nothing is scheduled or sent.
RAPPORT_SURVEYS = env_bool("RAPPORT_SURVEYS", default=True)
# How long after resolution the CSAT goes out, per channel ("chat=15m,email=24h"; "*" for the
# rest); checked at start-up by rapport/surveys/policy.py.
RAPPORT_SURVEY_CSAT_DELAYS = env_str("RAPPORT_SURVEY_CSAT_DELAYS", "chat=15m,email=24h,*=24h")
# NPS per customer: the first this many days after their first resolved case, then no sooner
# than this many days after the last (0: no NPS).
RAPPORT_SURVEY_NPS_DAYS = env_int("RAPPORT_SURVEY_NPS_DAYS", default=90, minimum=0)
# One contact-frequency policy per person: no survey within this many days of another survey
# or a follow-up call; none sent in the customer's quiet hours (their zone, "HH:MM-HH:MM");
# the percentage of eligible surveys sent (the rest skipped as not sampled).
RAPPORT_SURVEY_COOL_DOWN_DAYS = env_int("RAPPORT_SURVEY_COOL_DOWN_DAYS", default=7, minimum=0)
RAPPORT_SURVEY_QUIET_HOURS = env_str("RAPPORT_SURVEY_QUIET_HOURS", "21:00-09:00")
RAPPORT_SURVEY_SAMPLE_PERCENT = env_int("RAPPORT_SURVEY_SAMPLE_PERCENT", default=100, minimum=0)
# Days an answer is accepted after the survey was sent.
RAPPORT_SURVEY_ANSWER_DAYS = env_int("RAPPORT_SURVEY_ANSWER_DAYS", default=14, minimum=1)
# Fewer words than this from the customer, and no call of a minute, is a trivially short case.
RAPPORT_SURVEY_MIN_WORDS = env_int("RAPPORT_SURVEY_MIN_WORDS", default=4, minimum=0)
# A promoter's thank-you carries a personal referral link (whose conversions are counted as
# word of mouth on their relationship).
RAPPORT_SURVEY_REFERRAL_LINKS = env_bool("RAPPORT_SURVEY_REFERRAL_LINKS", default=False)

# Mastodon (rapport/social/mastodon.py, docs/social.md): the desk's account, whose mentions
# `rapport social-poll` and the worker take in as cases and to whose posts replies go. Off
# unless RAPPORT_MASTODON_URL is set; the token (RAPPORT_MASTODON_TOKEN_FILE works) needs the
# scopes read:notifications, read:statuses and write:statuses.
RAPPORT_MASTODON_URL = env_str("RAPPORT_MASTODON_URL").strip().rstrip("/")
RAPPORT_MASTODON_TOKEN = env_str("RAPPORT_MASTODON_TOKEN").strip()
# The business (Brand slug) whose cases the mentions open; blank: the desk's default routing.
RAPPORT_MASTODON_BRAND = env_str("RAPPORT_MASTODON_BRAND").strip()
# The worker asks for new mentions this often (seconds); Mastodon allows 300 requests in 5 min.
RAPPORT_MASTODON_POLL_SECONDS = env_int("RAPPORT_MASTODON_POLL_SECONDS", default=60, minimum=10)
if RAPPORT_MASTODON_URL and not RAPPORT_MASTODON_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"RAPPORT_MASTODON_URL={RAPPORT_MASTODON_URL!r} must be the instance's address "
        "(https://mastodon.example)."
    )
if RAPPORT_MASTODON_URL and not RAPPORT_MASTODON_TOKEN:
    raise ImproperlyConfigured(
        "RAPPORT_MASTODON_URL is set but RAPPORT_MASTODON_TOKEN is not: give the access token "
        "of the desk's Mastodon account (scopes read:notifications read:statuses write:statuses)."
    )

# Bluesky (rapport/social/bluesky.py, docs/social.md): the desk's account, whose mentions,
# replies and quotes `rapport social-poll` and the worker take in as cases and to whose posts
# replies go. Off unless RAPPORT_BLUESKY_HANDLE is set; an app password (Settings → Privacy and
# security → App passwords; RAPPORT_BLUESKY_APP_PASSWORD_FILE works), never the account's own.
RAPPORT_BLUESKY_HANDLE = env_str("RAPPORT_BLUESKY_HANDLE").strip().lstrip("@")
RAPPORT_BLUESKY_APP_PASSWORD = env_str("RAPPORT_BLUESKY_APP_PASSWORD").strip()
# The account's PDS (bsky.social for accounts made on bsky.app).
RAPPORT_BLUESKY_SERVICE = (
    env_str("RAPPORT_BLUESKY_SERVICE", "https://bsky.social").strip().rstrip("/")
)
RAPPORT_BLUESKY_BRAND = env_str("RAPPORT_BLUESKY_BRAND").strip()
RAPPORT_BLUESKY_POLL_SECONDS = env_int("RAPPORT_BLUESKY_POLL_SECONDS", default=60, minimum=10)
if RAPPORT_BLUESKY_HANDLE and not RAPPORT_BLUESKY_APP_PASSWORD:
    raise ImproperlyConfigured(
        "RAPPORT_BLUESKY_HANDLE is set but RAPPORT_BLUESKY_APP_PASSWORD is not: make an app "
        "password for the desk's Bluesky account and give it."
    )
if not RAPPORT_BLUESKY_SERVICE.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"RAPPORT_BLUESKY_SERVICE={RAPPORT_BLUESKY_SERVICE!r} must be the account's service "
        "(https://bsky.social)."
    )
