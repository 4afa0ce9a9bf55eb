"""Settings for smartkampung: one module, driven by environment variables with safe defaults.

Everything a deployment changes is an environment variable (documented in the README);
nothing secret lives in the repository.
"""

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# openpyxl parses a workbook with lxml whenever lxml is installed (pyHanko brings it), and then not with
# defusedxml: keep every uploaded workbook on defusedxml, which refuses entities instead of expanding them.
os.environ.setdefault("OPENPYXL_LXML", "False")

BASE_DIR = Path(__file__).resolve().parent


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def tile_source(url: str) -> str:
    """The CSP source of a map tile URL template: its scheme and host, a `{s}` subdomain as a wildcard."""
    if "://" not in url:
        return ""
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0]
    host = re.sub(r"\{[a-z]\}", "*", host)
    if scheme not in ("http", "https"):
        return ""
    return f"{scheme}://{host}" if host and re.fullmatch(r"[A-Za-z0-9.*:\[\]-]+", host) else ""


# Where the embedded database, uploads and the generated secret key live when no
# external service is configured. A source checkout keeps them in ./var.
DATA_DIR = Path(os.environ.get("SMARTKAMPUNG_DATA_DIR", BASE_DIR.parent.parent / "var")).resolve()
# It holds personal data: only the service's user may enter it (core/datadir.py tightens older copies at start-up).
if not DATA_DIR.exists():
    DATA_DIR.mkdir(parents=True, mode=0o700, exist_ok=True)
    DATA_DIR.chmod(0o700)  # mkdir's mode is narrowed by the umask, never widened: set it as meant


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    # A first run on a laptop must work without configuration, yet the key must never be
    # a constant from the repository: generate one and keep it beside the database.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

# The regencies this deployment serves (Kemendagri codes, comma-separated): one regency, or several of a
# province on one database ("3510,3509"; docs/scaling.md). Each needs its villages in the region data (the
# package has all of East Java's). The first is the home regency, named where one name is needed (the
# letters' certificate authority).
SMARTKAMPUNG_REGENCIES = tuple(envlist("SMARTKAMPUNG_REGENCY", "3510")) or ("3510",)
SMARTKAMPUNG_REGENCY = SMARTKAMPUNG_REGENCIES[0]
if not all(len(code) == 4 and code.isdigit() for code in SMARTKAMPUNG_REGENCIES):
    raise ImproperlyConfigured(
        f"SMARTKAMPUNG_REGENCY must be 4-digit Kemendagri regency codes, comma-separated: {SMARTKAMPUNG_REGENCIES!r}"
    )
SITE_NAME = os.environ.get("SITE_NAME", "smartkampung")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "js_lib_htmx",
    "js_lib_leaflet",
    "ninja",
    "smartkampung.core",
    "smartkampung.accounts",
    "smartkampung.regions",
    "smartkampung.health",
    "smartkampung.checkpoints",
    "smartkampung.notifications",
    "smartkampung.dashboards",
    "smartkampung.isolation",
    "smartkampung.aid",
    "smartkampung.letters",
    "smartkampung.tourism",
    "smartkampung.ktp",
    "smartkampung.population",
    "smartkampung.privacy",
    "smartkampung.audit",
]

MIDDLEWARE = [
    # First: every log line and audit entry of the request carries its id (README "Watching it").
    "smartkampung.core.requestid.RequestIdMiddleware",
    # Latency per route for /metrics (README "Watching it").
    "smartkampung.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # No control characters in query strings and form posts (after LocaleMiddleware: it answers in words).
    "smartkampung.core.middleware.RefuseControlCharacters",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # An htmx fragment asked for after the session ended: the sign-in page whole, never inside the fragment.
    "smartkampung.core.middleware.HtmxSignInAgain",
    "django.contrib.messages.middleware.MessageMiddleware",
    "smartkampung.audit.context.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as its documentation asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smartkampung.urls"
ASGI_APPLICATION = "smartkampung.asgi.application"
WSGI_APPLICATION = "smartkampung.wsgi.application"

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
                "smartkampung.core.context_processors.site",
                "smartkampung.population.context_processors.registry",
                "smartkampung.checkpoints.context_processors.checkpoint_menu",
                "smartkampung.health.context_processors.health_menu",
                "smartkampung.aid.context_processors.aid_menu",
                "smartkampung.letters.context_processors.letters_menu",
                "smartkampung.tourism.context_processors.tourism_menu",
                "smartkampung.privacy.context_processors.privacy_menu",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'smartkampung.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker imports; IMMEDIATE transactions
    # make writers queue on the lock instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
elif envbool("DB_POOL", True):
    # The server is ASGI: Django gives each request a thread of its own, and a persistent
    # connection per thread would leak (Django's advice: no persistent connections under ASGI).
    # A pool per process instead: connections are reused without one per thread.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    if envbool("DB_PREPARED_STATEMENTS", False):
        # Parameters bound by the server, and a statement run five times on a connection prepared there: its
        # parse and plan are not paid again (a third of the database's CPU per checkpoint registration, README
        # "Checkpoint registrations and live notifications"). Off by default: a statement may then carry at most
        # 65,535 parameters, and Django's deletion of more rows than that with related rows (its `__in` lists)
        # fails; and behind a pooler that does not keep a connection per client (PgBouncer in transaction mode).
        DATABASES["default"]["OPTIONS"] = {
            **DATABASES["default"].get("OPTIONS", {}),
            "server_side_binding": True,
            "prepare_threshold": 5,
        }
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN", "1")),
        "max_size": int(os.environ.get("DB_POOL_MAX", "16")),
        "timeout": int(os.environ.get("DB_POOL_TIMEOUT", "20")),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    # First: refuses sign-ins while a username is locked out (counted in the database, so the
    # count holds across server processes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
# Per username and address together: a village office behind one NAT address is not locked
# out as a whole because one clerk mistyped, and nobody can lock the camat out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Reverse proxies in front (each appends to X-Forwarded-For); 0: the header is never read, whoever sends it.
TRUSTED_PROXY_COUNT = max(0, int(os.environ.get("TRUSTED_PROXY_COUNT", "0")))
# One answer to "which address?" for the lockout, the rate limits and the audit log.
AXES_CLIENT_IP_CALLABLE = "smartkampung.core.http.client_address"

# Argon2 first (argon2-cffi): a hash made by an older hasher is upgraded at the user's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve straight from the app folders when collectstatic has not run (the embedded default).
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
# Uploads hold personal data: readable by the service's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Uploaded registry files can be large: stream them to disk instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The largest file any upload (page or API) may send; beyond it the upload handler stops keeping it and the
# page or API refuses it in words (core/spreadsheets.py).
SMARTKAMPUNG_IMPORT_MAX_BYTES = int(os.environ.get("SMARTKAMPUNG_IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "smartkampung.core.spreadsheets.CappedUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FILES = 10  # every upload form sends one file
# What an XLSX may unpack to and how many rows a CSV or XLSX may have, checked before it is parsed.
SPREADSHEET_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("SPREADSHEET_MAX_UNCOMPRESSED_BYTES", str(2 * 1024**3)))
SPREADSHEET_MAX_ROWS = int(os.environ.get("SPREADSHEET_MAX_ROWS", "3000000"))
# An XLSX's shared-strings table is read whole into memory by openpyxl: beyond this, CSV is asked for.
SPREADSHEET_MAX_SHARED_STRINGS_BYTES = int(os.environ.get("SPREADSHEET_MAX_SHARED_STRINGS_BYTES", str(64 * 1024**2)))
# An aid list keeps its first unreadable rows (with their problems) and counts the rest.
AID_LIST_MAX_UNREADABLE_ROWS = int(os.environ.get("AID_LIST_MAX_UNREADABLE_ROWS", "1000"))
IMPORT_MAX_STORED_PROBLEMS = int(os.environ.get("IMPORT_MAX_STORED_PROBLEMS", "1000"))  # per import job
# Move requests (pindah datang) per village account: a village asks for a few people a day; asking for NIK after
# NIK would be a search of the whole regency.
MOVE_REQUESTS_PER_HOUR = int(os.environ.get("MOVE_REQUESTS_PER_HOUR", "20"))
MOVE_REQUESTS_PER_DAY = int(os.environ.get("MOVE_REQUESTS_PER_DAY", "60"))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Citizen-facing checks, per client address (README: "Public endpoints").
PUBLIC_CHECK_PER_MINUTE = int(os.environ.get("PUBLIC_CHECK_PER_MINUTE", "5"))
PUBLIC_CHECK_PER_DAY = int(os.environ.get("PUBLIC_CHECK_PER_DAY", "30"))

# Checkpoints: a NIK registered again at the same checkpoint within this many hours shows the officer
# the earlier entry first; pre-registrations may be made this many days ahead, this often per address.
CHECKPOINT_REPEAT_WINDOW_HOURS = int(os.environ.get("CHECKPOINT_REPEAT_WINDOW_HOURS", "12"))
# Admission (core.admission): requests one web process works on at once; beyond them a request waits in the
# event loop, and is answered 503 + Retry-After when it would wait longer than OVERLOAD_WAIT_SECONDS or finds
# OVERLOAD_QUEUE others waiting.
WEB_CONCURRENT_REQUESTS = int(os.environ.get("WEB_CONCURRENT_REQUESTS", "4"))
OVERLOAD_WAIT_SECONDS = float(os.environ.get("OVERLOAD_WAIT_SECONDS", "1"))
OVERLOAD_QUEUE = int(os.environ.get("OVERLOAD_QUEUE", "200"))
# How long a process keeps reference data (the active checkpoints, the rules in force and to come): a change
# made in another web process reaches this one within this time (core.refcache).
REFERENCE_CACHE_SECONDS = float(os.environ.get("REFERENCE_CACHE_SECONDS", "10"))
# NIK look-ups at a checkpoint desk, per officer (a busy desk does a few a minute); beyond the hourly
# figure the look-ups are flagged in the audit log (record type "lookup_volume_flag") for the administrator.
CHECKPOINT_LOOKUP_PER_MINUTE = int(os.environ.get("CHECKPOINT_LOOKUP_PER_MINUTE", "30"))
CHECKPOINT_LOOKUP_PER_DAY = int(os.environ.get("CHECKPOINT_LOOKUP_PER_DAY", "1000"))
CHECKPOINT_LOOKUP_FLAG_PER_HOUR = int(os.environ.get("CHECKPOINT_LOOKUP_FLAG_PER_HOUR", "200"))
PREREGISTRATION_MAX_DAYS_AHEAD = int(os.environ.get("PREREGISTRATION_MAX_DAYS_AHEAD", "30"))
PREREGISTRATION_PER_MINUTE = int(os.environ.get("PREREGISTRATION_PER_MINUTE", "5"))
PREREGISTRATION_PER_DAY = int(os.environ.get("PREREGISTRATION_PER_DAY", "20"))

# Isolation houses: how far ahead a bed may be reserved, and how long after the expected arrival day
# (until midnight) a reservation holds the bed before it lapses.
ISOLATION_MAX_DAYS_AHEAD = int(os.environ.get("ISOLATION_MAX_DAYS_AHEAD", "14"))
ISOLATION_HOLD_HOURS = int(os.environ.get("ISOLATION_HOLD_HOURS", "12"))
# Social aid: linking recipient lists to the register (see aid/matching.py). A NIK found on the register is an
# exact match when the names are at least this alike (Jaro-Winkler, word order ignored), else it is reviewed.
AID_NAME_AGREEMENT = float(os.environ.get("AID_NAME_AGREEMENT", "0.85"))
# The model's best candidate is a match at or above the first probability, to be reviewed at or above the second.
AID_PROBABLE_THRESHOLD = float(os.environ.get("AID_PROBABLE_THRESHOLD", "0.99"))
AID_REVIEW_THRESHOLD = float(os.environ.get("AID_REVIEW_THRESHOLD", "0.5"))
# Splink's backend: duckdb (embedded, one machine) or spark (a province or the nation: the `spark` extra and Java;
# local mode on this machine, or a cluster).
AID_LINKAGE_BACKEND = os.environ.get("AID_LINKAGE_BACKEND", "duckdb")
# An affected-workers list is read while the agency waits: split larger ones.
AID_AFFECTED_IMPORT_MAX_ROWS = int(os.environ.get("AID_AFFECTED_IMPORT_MAX_ROWS", "20000"))

# Background of the public map of isolation houses. OpenStreetMap's own tile servers are for light use only
# (https://operations.osmfoundation.org/policies/tiles/): a regency with much traffic sets its own. Empty: the
# map shows the houses on a blank background.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, never inline
# (README: "Security headers"). Map tiles are the one outside source, taken from MAP_TILE_URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *filter(None, [tile_source(MAP_TILE_URL)])],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Notifications (README: "Notifications"): escalation, external channels, live streams.
NOTIFY_ESCALATE_AFTER_MINUTES = int(os.environ.get("NOTIFY_ESCALATE_AFTER_MINUTES", "60"))  # 0: never
NOTIFY_EMAIL = envbool("NOTIFY_EMAIL", False)
NOTIFY_WEBHOOK_URL = os.environ.get("NOTIFY_WEBHOOK_URL", "")
NOTIFY_WEBHOOK_SECRET = os.environ.get("NOTIFY_WEBHOOK_SECRET", "")
NOTIFY_DELIVERY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_DELIVERY_MAX_ATTEMPTS", "8"))
NOTIFY_SITE_URL = os.environ.get("NOTIFY_SITE_URL", "").rstrip("/")  # for links in e-mails and webhooks
NOTIFY_STREAM_MAX_SECONDS = int(os.environ.get("NOTIFY_STREAM_MAX_SECONDS", "900"))
NOTIFY_HEARTBEAT_SECONDS = int(os.environ.get("NOTIFY_HEARTBEAT_SECONDS", "15"))
# The dispatcher numbers and announces at most one batch this often while registrations keep coming (a quiet
# moment's notification goes at once): under load a batch carries several registrations instead of one, which
# costs the dispatcher, the database and every web process's hub a fraction of the statements (docs/scaling.md).
# Held to 0-1000: a longer pause would hold every notification back (and the dispatcher's heartbeat with it).
NOTIFY_DISPATCH_INTERVAL_MS = min(max(int(os.environ.get("NOTIFY_DISPATCH_INTERVAL_MS", "25")), 0), 1000)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "smartkampung@localhost")

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if envbool("SECURE_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs: one line per event on standard error; LOG_FORMAT=json for a log collector (journald, Loki, …), each line a
# JSON object with the request id (README "Watching it").
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "smartkampung.core.requestid.RequestIdFilter"}},
    "formatters": {
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
            # The library's own list plus `request`: Django's request logger passes the request, whose text holds
            # the query string (a NIK in a look-up); the message already names the path.
            "reserved_attrs": [
                *["args", "asctime", "created", "exc_info", "exc_text", "filename", "funcName", "levelname"],
                *["levelno", "lineno", "module", "msecs", "message", "msg", "name", "pathname", "process"],
                *["processName", "relativeCreated", "stack_info", "thread", "threadName", "taskName"],
                "request",
            ],
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # Splink reports every blocking and prediction step at INFO.
        "splink": {"level": "WARNING"},
        # pyHanko logs a traceback at WARNING for every untrusted signature it checks: anyone uploading a foreign
        # PDF to /verify/ could fill the log with them. The verdict says it in words.
        "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
    },
}

# The Puskesmas daily report to the ministry (README: "Daily reports and DHIS2"): the dataValueSets endpoint
# (empty: reports are kept and exported, never pushed), its credentials, and the mapping of our figures to
# the DHIS2 data set, data elements and org units.
DHIS2_DATAVALUESETS_URL = os.environ.get("DHIS2_DATAVALUESETS_URL", "")
DHIS2_TOKEN = os.environ.get("DHIS2_TOKEN", "")
DHIS2_USERNAME = os.environ.get("DHIS2_USERNAME", "")
DHIS2_PASSWORD = os.environ.get("DHIS2_PASSWORD", "")
DHIS2_TIMEOUT_SECONDS = float(os.environ.get("DHIS2_TIMEOUT_SECONDS", "10"))
DHIS2_PUSH_MAX_ATTEMPTS = int(os.environ.get("DHIS2_PUSH_MAX_ATTEMPTS", "8"))
DHIS2_MAPPING_FILE = Path(
    os.environ.get("DHIS2_MAPPING_FILE", Path(__file__).resolve().parent / "health" / "data" / "dhis2_mapping.json")
)

# Letters (README: "Letters"): where the QR code on a letter leads, attachments, and the national authority.
LETTERS_SITE_URL = os.environ.get("LETTERS_SITE_URL", NOTIFY_SITE_URL or "http://127.0.0.1:8000").rstrip("/")
LETTERS_ATTACHMENT_MAX_BYTES = int(os.environ.get("LETTERS_ATTACHMENT_MAX_BYTES", str(2 * 1024 * 1024)))
LETTERS_VERIFY_MAX_BYTES = int(os.environ.get("LETTERS_VERIFY_MAX_BYTES", str(5 * 1024 * 1024)))
# BSrE's root certificates (PEM files, separated by commas) trusted besides the deployment's own authority.
LETTERS_TRUSTED_ROOTS = [p for p in os.environ.get("LETTERS_TRUSTED_ROOTS", "").split(",") if p.strip()]
# BSrE's signing gateway (remote signing; its client API with HTTP basic auth): empty means not offered.
BSRE_GATEWAY_URL = os.environ.get("BSRE_GATEWAY_URL", "").rstrip("/")
BSRE_GATEWAY_USERNAME = os.environ.get("BSRE_GATEWAY_USERNAME", "")
BSRE_GATEWAY_PASSWORD = os.environ.get("BSRE_GATEWAY_PASSWORD", "")
BSRE_GATEWAY_API = os.environ.get("BSRE_GATEWAY_API", "v1")  # v1: multipart /api/sign/pdf; v2: JSON
BSRE_GATEWAY_TIMEOUT_SECONDS = float(os.environ.get("BSRE_GATEWAY_TIMEOUT_SECONDS", "20"))
# Online requests per client address (the NIK/KK check answers one way for unknown and wrong).
LETTERS_REQUESTS_PER_HOUR = int(os.environ.get("LETTERS_REQUESTS_PER_HOUR", "10"))

# The KTP scan (README: "KTP scan"): photos are read on this server by the OCR model inside the rapidocr
# wheel, never sent anywhere, and not kept unless KTP_KEEP_IMAGES (for a deployment that must keep them).
KTP_MAX_IMAGE_BYTES = int(os.environ.get("KTP_MAX_IMAGE_BYTES", str(8 * 1024 * 1024)))
KTP_KEEP_IMAGES = envbool("KTP_KEEP_IMAGES", False)
KTP_IMAGE_DIR = Path(os.environ.get("KTP_IMAGE_DIR", DATA_DIR / "ktp-images"))
# Reads at once in one web process (each uses both cores for about a second; more only queue for memory).
KTP_READS_AT_ONCE = int(os.environ.get("KTP_READS_AT_ONCE", "1"))
# How long a read waits for its turn before the answer is "busy, try again" (503 with Retry-After).
KTP_READ_WAIT_SECONDS = float(os.environ.get("KTP_READ_WAIT_SECONDS", "30"))
# Threads onnxruntime uses within one read (0: as many as cores).
KTP_OCR_THREADS = int(os.environ.get("KTP_OCR_THREADS", "0"))
# Public reads (the pre-registration page) per client address and hour.
KTP_PUBLIC_READS_PER_HOUR = int(os.environ.get("KTP_PUBLIC_READS_PER_HOUR", "20"))

# Tourism (README: "Tourism"): owners' applications and tourists' reports per client address, the rotation of a
# place's check-in code, check-ins and check-outs per client address, the largest photo of a place or a report.
TOURISM_APPLICATIONS_PER_DAY = int(os.environ.get("TOURISM_APPLICATIONS_PER_DAY", "5"))
TOURISM_REPORTS_PER_HOUR = int(os.environ.get("TOURISM_REPORTS_PER_HOUR", "5"))
TOURISM_REPORTS_PER_DAY = int(os.environ.get("TOURISM_REPORTS_PER_DAY", "20"))
TOURISM_CODE_ROTATION_SECONDS = int(os.environ.get("TOURISM_CODE_ROTATION_SECONDS", "300"))
TOURISM_CHECKINS_PER_HOUR = int(os.environ.get("TOURISM_CHECKINS_PER_HOUR", "30"))
TOURISM_CHECKOUTS_PER_HOUR = int(os.environ.get("TOURISM_CHECKOUTS_PER_HOUR", "120"))
TOURISM_PHOTO_MAX_BYTES = int(os.environ.get("TOURISM_PHOTO_MAX_BYTES", str(2 * 1024 * 1024)))

# Watching it (README "Watching it"). /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>`
# (empty: /metrics is off, 404). Several web processes share their counters through PROMETHEUS_MULTIPROC_DIR
# (prometheus-client's multiprocess mode; the systemd unit empties it at each start).
# /readyz fails a check past these ages.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
READYZ_HEARTBEAT_MAX_SECONDS = int(os.environ.get("READYZ_HEARTBEAT_MAX_SECONDS", "60"))
READYZ_OUTBOX_LAG_MAX_SECONDS = int(os.environ.get("READYZ_OUTBOX_LAG_MAX_SECONDS", "120"))
READYZ_TASK_AGE_MAX_SECONDS = int(os.environ.get("READYZ_TASK_AGE_MAX_SECONDS", "600"))

# Personal data kept only as long as needed (UU 27/2022; README "Personal data"): days after which each kind is
# removed or reduced by the periodic retention job (`smartkampung retention --dry-run` shows what it would do).
# 0 keeps it for ever. The audit log stays (it is the record); only its personal fields are reduced.
RETENTION_DAYS = {
    # checkpoint arrivals (and pre-registrations that arrived): after the arrival, or after the case it opened closes
    "arrivals": int(os.environ.get("RETENTION_ARRIVALS_DAYS", "30")),
    # pre-registrations that never arrived: after the announced day
    "preregistrations": int(os.environ.get("RETENTION_PREREGISTRATIONS_DAYS", "30")),
    # isolation cases and their daily follow-ups: after the case closes
    "health_cases": int(os.environ.get("RETENTION_HEALTH_CASES_DAYS", "90")),
    # isolation bed reservations (name, phone): after the stay or the reservation ended
    "reservations": int(os.environ.get("RETENTION_RESERVATIONS_DAYS", "30")),
    # the people named in notification summaries: after the notification
    "notifications": int(os.environ.get("RETENTION_NOTIFICATIONS_DAYS", "90")),
    # uploaded register and aid list files: after their import ended
    "import_files": int(os.environ.get("RETENTION_IMPORT_FILES_DAYS", "30")),
    # KTP photos kept by KTP_KEEP_IMAGES
    "ktp_images": int(os.environ.get("RETENTION_KTP_IMAGES_DAYS", "30")),
    # tourists' visits (check-in and check-out)
    "tourism_visits": int(os.environ.get("RETENTION_TOURISM_VISITS_DAYS", "14")),
    # reporters' contacts on tourism violation reports and aid reports: after the report was decided
    "reports": int(os.environ.get("RETENTION_REPORTS_DAYS", "365")),
    # public rate-limit counters
    "rate_counters": int(os.environ.get("RETENTION_RATE_COUNTERS_DAYS", "2")),
    # sign-in attempts and lockouts (django-axes); ended sessions are always removed
    "login_attempts": int(os.environ.get("RETENTION_LOGIN_ATTEMPTS_DAYS", "90")),
    # the audit log's personal fields (the values in changes and details, the address): after the entry
    "audit_personal": int(os.environ.get("RETENTION_AUDIT_PERSONAL_DAYS", str(5 * 365))),
}

# Backups (README "Backing up and restoring"): the PostgreSQL client programs `smartkampung backup` and `restore`
# run (their major version must be at least the server's).
BACKUP_PG_DUMP = os.environ.get("BACKUP_PG_DUMP", "pg_dump")
BACKUP_PG_RESTORE = os.environ.get("BACKUP_PG_RESTORE", "pg_restore")
