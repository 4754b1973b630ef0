"""Django settings for Pingyi, read from the environment through the helpers of pingyi.env.

Every PINGYI_* variable read here is listed, with its meaning and default, in README.md's
"Configuration" table (tests/test_settings.py checks it). PINGYI_TESTING=1 is the test suite's
(tests/settings.py): a key of the process's own, the test database of PINGYI_TEST_DATABASE_URL,
static files from the apps' folders.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from pingyi.env import env_bool, env_int, env_list, env_networks, env_str
from pingyi.logs import logging_config

django_stubs_ext.monkeypatch()  # ModelAdmin[Model] and friends at run time

BASE_DIR = Path(__file__).resolve().parent
HOME = Path(env_str("PINGYI_HOME", str(Path.cwd() / "var"))).resolve()

TESTING = env_bool("PINGYI_TESTING", False)
DEBUG = env_bool("PINGYI_DEBUG", False)


SECRET_KEY_FILE = HOME / "secret.key"


def _secret_key() -> tuple[str, bool]:
    """The key from the environment or PINGYI_HOME/secret.key.

    Without either, the first process to start writes a new key file (atomically: a second
    worker starting at the same moment reads the first one's key), so that every worker and
    command of an installation shares one key — sessions, code digests, ballot MACs and the
    mixing pool depend on it (pingyi.keys). Only when PINGYI_HOME cannot be written (and in
    the test suite) is the key this process's own; `pingyi check-deploy` refuses that.
    """
    if key := env_str("PINGYI_SECRET_KEY", ""):
        return key, False
    if SECRET_KEY_FILE.exists():
        return SECRET_KEY_FILE.read_text().strip(), False
    if TESTING:
        return secrets.token_urlsafe(50), True
    try:
        return persist_secret_key(SECRET_KEY_FILE), False
    except OSError:
        return secrets.token_urlsafe(50), True


def persist_secret_key(path: Path) -> str:
    """Writes a new random key to ``path`` unless one is there; returns the key in the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as draft:
        draft.write(secrets.token_urlsafe(50))
    staged = Path(draft.name)
    try:
        staged.chmod(0o600)
        os.link(staged, path)  # fails if another process linked its key first
    except FileExistsError:
        pass
    finally:
        staged.unlink()
    return path.read_text().strip()


SECRET_KEY, SECRET_KEY_EPHEMERAL = _secret_key()


def require_shared_key(workers: int) -> None:
    """Before gunicorn starts more than one worker (deploy/gunicorn.conf.py's on_starting):
    importing this module has written PINGYI_HOME/secret.key if it could (what `pingyi init`
    does); when it could not, each worker would make a key of its own and refuse the sessions
    the others signed — so the server does not start, and says what to set."""
    if workers > 1 and SECRET_KEY_EPHEMERAL:
        raise ImproperlyConfigured(
            f"{workers} workers need one secret key: set PINGYI_SECRET_KEY, or make "
            f"{SECRET_KEY_FILE.parent} writable (or run `pingyi init`) so that "
            f"{SECRET_KEY_FILE} is written before the workers start"
        )


ALLOWED_HOSTS = env_list("PINGYI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "pingyi.audit",
    "pingyi.accounts",
    "pingyi.campaigns",
    "pingyi.ballots",
    "pingyi.voting",
    "pingyi.grading",
    "pingyi.notices",
    "pingyi.rectification",
    "pingyi.registry",
    "pingyi.disclosure",
    "pingyi.stages",
    "pingyi.nominations",
    "pingyi.web",
    "pingyi.jobs",
    "django_tasks_db",
]

MIDDLEWARE = [
    "pingyi.web.middleware.RequestIdMiddleware",  # first: every log line has the request's id
    "pingyi.web.middleware.OutageMiddleware",  # database or cache down: a 503 page, not a 500
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pingyi.accounts.middleware.PasswordChangeRequired",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # last: a NUL in the address is refused before a view sees it, a form's after CSRF (R23)
    "pingyi.web.guard.HostileInputMiddleware",
]

ROOT_URLCONF = "pingyi.urls"
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
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "pingyi.office.context.sections",
            ],
        },
    },
]
WSGI_APPLICATION = "pingyi.wsgi.application"


def _database() -> dict[str, Any]:
    url = env_str("PINGYI_TEST_DATABASE_URL", "") if TESTING else ""
    url = url or env_str("PINGYI_DATABASE_URL", "") or f"sqlite:///{HOME / 'pingyi.sqlite3'}"
    # Persistent connections (a new PostgreSQL connection costs more than a ballot's writes),
    # checked before reuse so that a restarted database server is no error.
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=env_int("PINGYI_DB_CONN_MAX_AGE", 300))
    )
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["ENGINE"] = "pingyi.sqlite"  # Django's, with a gate before the write lock
        # WAL lets readers work beside the writer; FULL makes a commit durable before we
        # acknowledge it (R6); IMMEDIATE takes the write lock at BEGIN so that two writers
        # queue instead of failing half-way.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
            " PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
        if TESTING:  # a file, so that a server the tests start can share it
            config["TEST"] = {
                "NAME": str(Path(tempfile.gettempdir(), f"pingyi-test-{os.getpid()}.sqlite3"))
            }
    else:
        # A commit is acknowledged only once it is durable (R6), whatever the server's default.
        config.setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=on"
        # The cast's statements are prepared once per connection (rows.cast_cursor asks with
        # psycopg's prepare=True, which Django's default, None, turns off for the whole
        # connection). The ORM's own client-side cursors are never prepared either way.
        config["OPTIONS"].setdefault("prepare_threshold", 5)
        if TESTING:
            config["TEST"] = {"NAME": f"test_pingyi_{os.getpid()}"}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = env_str("PINGYI_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if TESTING or env_bool("PINGYI_STATIC_FINDERS", False):  # from the apps' folders
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_AUTOREFRESH = True
    WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Every script and style is Pingyi's own (no CDN, no inline code): R22.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SECURE_REFERRER_POLICY = "same-origin"  # a fragment (the QR token) is never sent in a Referer

CACHE_URL = env_str("PINGYI_CACHE_URL", "")
if CACHE_URL:  # Redis; when it does not answer, this process's memory (pingyi.web.cache)
    CACHES = {
        "default": {
            "BACKEND": "pingyi.web.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:  # each process's own memory. A 3,000-organization notice read committee by committee
    # keeps two entries a committee and language (its results, its page as read): Django's
    # default of 300 entries would cull them while readers browse (pingyi.notices.views).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }
# Long work (codes, imports, reports) runs as jobs on a queue kept in the database (R27),
# worked by `pingyi worker`; a job's files live in PINGYI_HOME/jobs, never in the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
PINGYI_JOBS_DIR = HOME / "jobs"
# A running job whose worker has not been heard of for this long was lost (a kill, a power
# cut): the next worker picks it up again or fails it with a message.
PINGYI_JOB_STALE_SECONDS = env_int("PINGYI_JOB_STALE_SECONDS", 60, minimum=2)
# The installation's public address (scheme and host, e.g. http://pingyi.example.gov.cn):
# what QR sheets, SMS lists and e-mails point to. An office may set its own.
PINGYI_PUBLIC_URL = env_str("PINGYI_PUBLIC_URL", "").strip().rstrip("/")
PINGYI_TRUSTED_PROXIES = env_networks("PINGYI_TRUSTED_PROXIES")
PINGYI_MIN_FREE_MB = env_int("PINGYI_MIN_FREE_MB", 500)
PINGYI_BENCH = env_bool("PINGYI_BENCH", False)  # routes the benchmark's bare view
# Rate limits (R18, R19): attempts per window, per client address.
PINGYI_TOKEN_FAILURES = env_int("PINGYI_TOKEN_FAILURES", 30)  # wrong codes per 10 minutes
PINGYI_BALLOT_POSTS = env_int("PINGYI_BALLOT_POSTS", 600)  # ballot requests per minute
PINGYI_LOGIN_FAILURES = env_int("PINGYI_LOGIN_FAILURES", 5)  # per account and per address / 15 min
PINGYI_OBJECTION_POSTS = env_int("PINGYI_OBJECTION_POSTS", 10)  # objections per hour
PINGYI_FEEDBACK_POSTS = env_int("PINGYI_FEEDBACK_POSTS", 10)  # disclosure feedback per hour
# The ledger's digest (P4): printed on the console unless PINGYI_EMAIL_HOST names a server.
EMAIL_SERVER = env_str("PINGYI_EMAIL_HOST", "")
MAILERS = {
    "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if not EMAIL_SERVER
    else {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": EMAIL_SERVER, "port": env_int("PINGYI_EMAIL_PORT", 25)},
    }
}
DEFAULT_FROM_EMAIL = env_str("PINGYI_EMAIL_FROM", "pingyi@localhost")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 8 * 3600
# Served over HTTPS (at the reverse proxy): browsers are told to come back only over HTTPS
# (HSTS, a year), plain-HTTP requests are redirected and cookies are sent over HTTPS only.
PINGYI_HTTPS = env_bool("PINGYI_HTTPS", False)
SESSION_COOKIE_SECURE = PINGYI_HTTPS or env_bool("PINGYI_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "pingyi.web.errors.csrf_failure"  # in the UI language, in the layout
if PINGYI_HTTPS:
    SECURE_SSL_REDIRECT = True
    # A load balancer probes /healthz and /readyz over plain HTTP on the intranet.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env_int("PINGYI_HSTS_SECONDS", 365 * 24 * 3600, minimum=1)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    if PINGYI_TRUSTED_PROXIES:  # the proxy terminates TLS and says so (deploy/nginx)
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# An intranet host is on no browser's HSTS preload list: Django's advice to preload is moot.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# `pingyi check-deploy`: the age a backup may reach (free space: PINGYI_MIN_FREE_MB above).
PINGYI_BACKUP_MAX_AGE_DAYS = env_int("PINGYI_BACKUP_MAX_AGE_DAYS", 2, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# JSON lines on standard error, each with its request's id; never a code or a mark (R11).
LOGGING = logging_config()
