"""Settings for Theo dõi nhiệm vụ, driven by environment variables (one module everywhere).

Development needs no variables at all: debug on, SQLite file in the project folder. Production
sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and DJANGO_SECURE_*.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from directives.operations.proxies import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable; accepts 1/0, true/false, yes/no, on/off."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    # Development only: a fixed, obviously insecure key so sessions survive restarts.
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "directives",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    # Trust (issue 7): audit trail, sign-in lockout, Content Security Policy.
    "simple_history",
    "axes",
    "csp",
    # API (issue 19): JSON API, its OpenAPI schema and docs (assets served locally), tasks.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # Operations (issue 22): a request id for the logs, then request counts and latency for
    # /metrics — outermost, so refusals by any other middleware are logged and counted too.
    "directives.operations.logs.request_context",
    "directives.operations.metrics.observe",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "directives.operations.sessions.refresh_idle_sessions",
    # API tokens (issue 19): a bearer token under /api/ signs its user in for this request, so
    # the upload limits, the sign-in requirement and the audit trail below see that user.
    "directives.api.auth.token_middleware",
    # Body limits from the headers, before the CSRF check (or anything) reads the body.
    "directives.operations.limits.request_limits",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Trust (issue 7): CSP header + nonce, Permissions-Policy, who/where for the audit trail,
    # and the lockout page (axes last, as its documentation asks).
    "csp.middleware.CSPMiddleware",
    "tracker.middleware.permissions_policy",
    "tracker.middleware.parameters",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tracker.context_processors.csp_nonce",
            ],
            # Leaders' numbers live in one package (directives/leaders/), tags included.
            "libraries": {
                "leader": "directives.leaders.templatetags",
                "periodic": "directives.periodic.templatetags",
            },
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"


# Database: SQLite file by default, PostgreSQL (psycopg 3) when DATABASE_URL says so.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the start
    # of a transaction so two writers queue on the busy timeout instead of failing mid-way with
    # "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DJANGO_TEST_SQLITE_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
# Leaders and inspectors land on the overview, everyone else on their unit's list.
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
# Our catalogues first; locale/_django holds Django's own strings that Django leaves
# untranslated in Vietnamese (kept apart: `make translations` rewrites locale/<lang>).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "_django"]
# dd/mm/yyyy and 1.234,5 in Vietnamese (see tracker/formats); no USE_THOUSAND_SEPARATOR.
FORMAT_MODULE_PATH = ["tracker.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# Static files: whitenoise serves them; hashed, compressed names in production.
STATIC_URL = "static/"
# Files browsers ask for at the site's root (/favicon.ico), served by whitenoise before sign-in.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded evidence lives outside the static folders and is served only through a checked view.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Security: HTTPS settings are switched on by environment, so the same module serves production
# behind TLS and a plain-HTTP development server.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT")
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES")
CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD")
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_IDLE_SECONDS", str(8 * 60 * 60)))
# The age above works as an idle timeout: directives.operations.sessions.refresh_idle_sessions
# saves an active session at most every five minutes (not on every request, as
# SESSION_SAVE_EVERY_REQUEST would: a write per page).
SESSION_SAVE_EVERY_REQUEST = False

# Domain settings (domain.md §3): "due soon" threshold in days.
TRACKER_DUE_SOON_DAYS = int(os.environ.get("TRACKER_DUE_SOON_DAYS", "5"))
# The place on the date line of reports and letters ("Cà Mau, ngày … tháng … năm …").
TRACKER_PLACE = os.environ.get("TRACKER_PLACE", "Cà Mau")
# How long the leader who confirmed a completion may undo it (hours); later, only "reopen".
TRACKER_SIGNOFF_UNDO_HOURS = int(os.environ.get("TRACKER_SIGNOFF_UNDO_HOURS", "24"))
if TRACKER_SIGNOFF_UNDO_HOURS < 0:
    raise ImproperlyConfigured("TRACKER_SIGNOFF_UNDO_HOURS takes whole hours, 0 or more.")

# Logs on standard error. Every record carries the request id and the client's address
# (directives/operations/logs.py); DJANGO_LOG_FORMAT=json writes one JSON object per line and a
# line per request, for a log collector.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("DJANGO_LOG_FORMAT is 'text' (the default) or 'json'.")
TRACKER_ACCESS_LOG = LOG_FORMAT == "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "directives.operations.logs.RequestContextFilter"}},
    "formatters": {
        "text": {"format": "%(message)s"},
        "json": {"()": "directives.operations.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Reminders (đôn đốc, README "Reminders"): days before a deadline when the lead unit is reminded.
TRACKER_REMINDER_DAYS = tuple(
    sorted({int(days) for days in env_list("TRACKER_REMINDER_DAYS", "7,1")}, reverse=True)
)
if any(days < 0 for days in TRACKER_REMINDER_DAYS):
    raise ImproperlyConfigured("TRACKER_REMINDER_DAYS takes whole numbers of days, 0 or more.")
# The address the application is reached at, for links in e-mails (no trailing slash).
TRACKER_BASE_URL = os.environ.get("TRACKER_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# E-mail: SMTP when EMAIL_HOST is set, otherwise printed on the console (development).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or (587 if EMAIL_USE_TLS else 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_TIMEOUT = 30  # seconds: a stuck server must not hang the hourly run
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Theo dõi nhiệm vụ <no-reply@localhost>")
# --- Trust (issue 7) ---------------------------------------------------------------------------
# Sign-in lockout (django-axes): the first backend refuses a locked-out user+address before the
# password is checked. Locking the *pair* means an office behind one NAT address is not locked
# out because one of its users (or a guesser) mistyped; a guesser trying one name from many
# addresses gets five tries per address.
AUTHENTICATION_BACKENDS = [
    "tracker.auth.LockoutBackend",
    # Django's ModelBackend, loading the user with their membership and unread count (the
    # page shell's data) in one query.
    "tracker.auth.ShellBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tracker.auth.lockout_response"
# One answer to "from which address?" for the lockout, the audit trail, the logs and /metrics.
AXES_CLIENT_IP_CALLABLE = "directives.operations.proxies.client_ip"
AXES_USERNAME_CALLABLE = "tracker.auth.lockout_username"
# X-Forwarded-For is believed only from these addresses/networks (our reverse proxies), read
# from the right (directives/operations/proxies.py); from anyone else it is the client's own
# claim and ignored. DJANGO_BEHIND_PROXY=1 alone means "nginx on this host" (127.0.0.1, ::1),
# which is what deploy/ ships; a proxy on another host must be named here.
TRACKER_TRUSTED_PROXIES = parse_networks(
    env_list("DJANGO_TRUSTED_PROXIES", "127.0.0.1,::1" if env_bool("DJANGO_BEHIND_PROXY") else ""),
    "DJANGO_TRUSTED_PROXIES",
)

# Content Security Policy (django-csp 4): nothing inline, nothing evaluated. Scripts come from
# our own origin or carry the per-request nonce ({% htmx_script %} adds it).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Audit trail (django-simple-history): the admin shows history read-only, never reverts.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Request limits, held before a body is read (directives/operations/limits.py): a body over the
# limit gets the 413 page from its Content-Length alone. Forms: DJANGO_MAX_REQUEST_BYTES. Files
# (signed-in users only): DJANGO_MAX_UPLOAD_BYTES in all, DJANGO_MAX_UPLOAD_FILE_BYTES each —
# evidence takes 5 files of 10 MB. The upload handler first in the chain keeps no more than that.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DJANGO_MAX_REQUEST_BYTES", str(2_621_440)))
TRACKER_MAX_UPLOAD_FILE_BYTES = int(
    os.environ.get("DJANGO_MAX_UPLOAD_FILE_BYTES", str(10 * 1024 * 1024))
)
TRACKER_MAX_UPLOAD_BYTES = int(os.environ.get("DJANGO_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
FILE_UPLOAD_HANDLERS = [
    "directives.operations.limits.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Where files over 2.5 MB wait while a request is parsed (default: the system's temporary folder).
FILE_UPLOAD_TEMP_DIR = os.environ.get("DJANGO_FILE_UPLOAD_TEMP_DIR") or None

# Backups (manage.py backup / make backup) go here unless told otherwise.
BACKUP_ROOT = Path(os.environ.get("DJANGO_BACKUP_ROOT", BASE_DIR / "var" / "backups"))
# Optional encryption of backups (age, through pyrage): public keys here on the server; the secret
# key only where a backup is restored.
BACKUP_AGE_RECIPIENTS = env_list("DJANGO_BACKUP_AGE_RECIPIENTS")
BACKUP_AGE_IDENTITY = os.environ.get("DJANGO_BACKUP_AGE_IDENTITY", "")
CSRF_FAILURE_VIEW = "tracker.errors.csrf_failure"
AXES_VERBOSE = False
# Axes logs every sign-in at INFO; keep its warnings (failures, lockouts) only.
LOGGING["loggers"] = {"axes": {"handlers": ["console"], "level": "WARNING", "propagate": False}}
# Prometheus metrics at /metrics, for these addresses/networks only (the client's address as
# directives/operations/proxies.py finds it). Several gunicorn workers: set
# PROMETHEUS_MULTIPROC_DIR to an empty folder (deploy/theodoi.service does).
TRACKER_METRICS_ALLOWED = parse_networks(
    env_list("DJANGO_METRICS_ALLOWED", "127.0.0.1,::1"), "DJANGO_METRICS_ALLOWED"
)
# Several app servers over one database (docs: README "Deployment"): nothing that a request needs
# may live in one process. Sessions are rows in the database; the cache is Redis when a URL is
# given, else a database table (`manage.py createcachetable`); uploads go to DJANGO_MEDIA_ROOT,
# which must then be a shared path (or object storage through django-storages).
# Django's database sessions, asking an unreachable database once per request, not twice.
SESSION_ENGINE = "directives.operations.sessions"
# The dashboard's rendered region is cached per session and data version, and each user's list of
# what they may see per data version (permissions.visible_ids); DJANGO_DASHBOARD_CACHE=0 turns
# both off (the benchmark measures both).
DASHBOARD_REGION_CACHE = env_bool("DJANGO_DASHBOARD_CACHE", default=True)
CACHE_URL = os.environ.get("DJANGO_CACHE_URL") or os.environ.get("REDIS_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL == "locmem://":
    # Explicitly one process only (a single development server).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }

# The page shell's fixed fragments (header links, static URLs, the date picker's words) for each
# language and role: rendered once per process and kept in its own memory, as they are the same in
# every process (directives/templatetags/tracker.py, shell_key).
CACHES["shell"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "shell",
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

# Fail fast while PostgreSQL is away: a new connection gives up after DJANGO_DB_CONNECT_TIMEOUT
# seconds (libpq's minimum is 2), and a request waits at most DJANGO_DB_POOL_TIMEOUT for a pooled
# one, then gets the 503 page — instead of holding a worker for 10 s or more.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Django's backend with a health check that asks the socket, not the server, while the
    # connection has heard nothing (tracker/postgresql/base.py): one round trip less a page.
    DATABASES["default"]["ENGINE"] = "tracker.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "2")
    )
    # No JIT compilation: PostgreSQL compiles any query its planner costs above 100,000 (the
    # overview's counts over a large scope), which spends 50-60 ms before the query runs and
    # saves less than that on queries that take a fraction of a second. Measured at a million
    # assignments: a province leader's overview a year back 1.07 -> 0.74 s, the national one
    # today 1.75 -> 1.65 s (docs/performance.md). DJANGO_DB_JIT=1 leaves the server's choice.
    if not env_bool("DJANGO_DB_JIT"):
        options = DATABASES["default"]["OPTIONS"]
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
# PostgreSQL connection pool (psycopg_pool, built into Django 5.1+): one pool per app-server
# process; persistent connections (CONN_MAX_AGE) and the pool exclude each other.
if env_bool("DJANGO_DB_POOL") and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": int(os.environ.get("DJANGO_DB_POOL_MIN_SIZE", "1")),
        "max_size": int(os.environ.get("DJANGO_DB_POOL_MAX_SIZE", "4")),
        "timeout": float(os.environ.get("DJANGO_DB_POOL_TIMEOUT", "2")),
        # How long the pool keeps retrying a lost connection by itself (with growing pauses)
        # before leaving it to the next request, which tries at once. psycopg_pool's 5 minutes
        # would let those pauses grow to minutes, and the app stay down that long after the
        # database is back; as long as one request's wait, the first request after it returns
        # gets through.
        "reconnect_timeout": float(
            os.environ.get(
                "DJANGO_DB_POOL_RECONNECT_TIMEOUT", os.environ.get("DJANGO_DB_POOL_TIMEOUT", "2")
            )
        ),
    }
    # CONN_HEALTH_CHECKS (on, above) makes Django give the pool a check: a connection broken by
    # a database restart is replaced when it is handed out.
# The proxy's health checks speak plain HTTP to the app servers.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]

# --- API, webhooks and background tasks (issue 19) -------------------------------------------
# Django REST framework: bearer tokens (directives/api/auth.py) or the session (the browsable
# docs), JSON only, one rate per token; errors are JSON naming the field (api/errors.py).
TRACKER_API_RATE = os.environ.get("DJANGO_API_RATE", "600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "directives.api.auth.BearerTokenAuthentication",
        "directives.api.auth.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["directives.api.auth.TokenScopes"],
    "DEFAULT_THROTTLE_CLASSES": ["directives.api.auth.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": TRACKER_API_RATE},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "directives.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Theo dõi nhiệm vụ API",
    "DESCRIPTION": "JSON API v1: documents, directives, assignments, progress and workflow.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema is for signed-in users and token holders, like the API itself.
    "SERVE_PERMISSIONS": ["directives.api.auth.TokenScopes"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI from the installed sidecar package, served by our own origin (the CSP allows
    # no other), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Django's Tasks API (the django-tasks backport on Django 5.2): the database backend by default,
# so `make run` needs nothing more; DJANGO_TASKS_IMMEDIATE=1 runs them in the request (tests).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("DJANGO_TASKS_IMMEDIATE")
            else "django_tasks_db.backend.DatabaseBackend"
        )
    }
}
