"""The one settings module. Everything deployment-specific comes from the environment.

ADMINDUK_MODE     production (default) | demo | test. Only demo and test get a dev secret key.
ADMINDUK_ROLE     central (default) | node.
DATABASE_URL      any dj-database-url URL; default: SQLite file in WAL mode under ADMINDUK_DATA_DIR.
ADMINDUK_SECRET_KEY, ADMINDUK_ALLOWED_HOSTS (comma separated), ADMINDUK_DEBUG (0/1).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from adminduk.core.files import restrict_new_files

# Before anything below creates a file: data files 0600, data directories 0700 (core/files.py).
restrict_new_files()

BASE_DIR = Path(__file__).resolve().parent

MODE = os.environ.get("ADMINDUK_MODE", "production")
if MODE not in {"production", "demo", "test"}:
    raise ImproperlyConfigured(f"ADMINDUK_MODE must be production, demo or test, not {MODE!r}")
ROLE = os.environ.get("ADMINDUK_ROLE", "central")
if ROLE not in {"central", "node"}:
    raise ImproperlyConfigured(f"ADMINDUK_ROLE must be central or node, not {ROLE!r}")

DATA_DIR = Path(os.environ.get("ADMINDUK_DATA_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("ADMINDUK_SECRET_KEY", "")
if not SECRET_KEY:
    if MODE == "production":
        raise ImproperlyConfigured(
            "Set ADMINDUK_SECRET_KEY (a long random string). "
            "Only ADMINDUK_MODE=demo or test may run without one."
        )
    SECRET_KEY = f"adminduk-{MODE}-only-insecure-key-never-use-in-production"
# Sessions, CSRF tokens and password-reset links are only as strong as this key (Django's own
# deployment check asks for 50 characters with at least 5 different ones).
SECRET_KEY_MIN_LENGTH = 50
if len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        f"ADMINDUK_SECRET_KEY is too short or too simple: use at least {SECRET_KEY_MIN_LENGTH} random characters, "
        "e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )

# Off in the demo too: a browser gets the application's error pages (adminduk.web.errors), never
# Django's debug pages with URL patterns and tracebacks. ADMINDUK_DEBUG=1 for development only.
DEBUG = os.environ.get("ADMINDUK_DEBUG", "0") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ADMINDUK_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
if MODE == "test":
    ALLOWED_HOSTS.append("testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "huey.contrib.djhuey",
    "django_prometheus",
    "adminduk.core",
    "adminduk.regions",
    "adminduk.offices",
    "adminduk.accounts",
    "adminduk.audit",
    "adminduk.population",
    "adminduk.enrollment",
    "adminduk.sync",
    "adminduk.biometrics",
    "adminduk.processing",
    "adminduk.printing",
    "adminduk.documents",
    "adminduk.civil",
    "adminduk.messaging",
    "adminduk.portal",
    "adminduk.privacy",
    "adminduk.appointments",
    "adminduk.queueing",
    "adminduk.planning",
    "adminduk.reports",
    "adminduk.web",
    "adminduk.ops",
]

MIDDLEWARE = [
    # Request counts and latencies per view for /metrics (adminduk.ops), around everything else.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "adminduk.accounts.sessions.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "adminduk.accounts.otp.OTPMiddleware",  # django-otp's, the device lookup compiled once
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "adminduk.accounts.access.AccessControlMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks: it turns its lockout signal into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "adminduk.urls"
WSGI_APPLICATION = "adminduk.wsgi.application"

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
                "adminduk.web.navigation.navigation",
            ],
        },
    },
]


def _database_config() -> dict:
    url = os.environ.get("DATABASE_URL")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'adminduk.sqlite3'}"
    # Connections are kept between requests (checked before reuse): opening a SQLite connection
    # with its PRAGMAs cost 5 ms of CPU, five times a whole document verification.
    config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while the single writer commits; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue instead of failing with "database is locked".
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=30000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
        # Tests use a file too (in the test run's own data dir): browser tests serve many
        # concurrent requests, which an in-memory shared-cache database answers with "table
        # is locked" instead of WAL's waiting.
        config.setdefault("TEST", {})
        if MODE == "test":
            config["TEST"].setdefault("NAME", str(DATA_DIR / "test-adminduk.sqlite3"))
    elif os.environ.get("ADMINDUK_PG_SERVER_BINDING", "1") == "1":
        # Server-side parameters: psycopg prepares a statement once it has run five times on a
        # connection, so PostgreSQL stops planning the same joins on every request (planning
        # was most of the database's CPU for a page: 1 ms for the KK-membership join alone).
        config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
    return config


DATABASES = {"default": _database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if MODE == "test":
    # Argon2 at production cost makes a large suite slow; the hasher itself is tested separately.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses credentials for a locked-out username/address pair.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins (password or code, on every login page) count per username and per client
# address, each against its own limit (accounts/throttle.py); an office shares one address.
AXES_FAILURE_LIMIT = int(os.environ.get("ADMINDUK_LOGIN_FAILURE_LIMIT", "5"))
ADMINDUK_LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("ADMINDUK_LOGIN_IP_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = 0.5  # hours a locked-out username or address waits
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "adminduk.accounts.throttle.LoginThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "adminduk.accounts.throttle.client_address"
ADMINDUK_BEHIND_PROXY = False  # production over HTTPS sets it below
AXES_RESET_ON_SUCCESS = True
# Never keep what was typed in a password or code field in axes' own records.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "otp_token"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "adminduk"

# Sessions end after this many seconds without a request (accounts.sessions renews the session
# and its cookie at most once a minute, instead of a database write on every request).
# Audit entries are linked into the hash chain right after their commit, at most once in this
# many seconds per process (the others wait for the next link, or the task that links every
# minute). Tests link at once.
ADMINDUK_AUDIT_LINK_INTERVAL = float(os.environ.get("ADMINDUK_AUDIT_LINK_INTERVAL", "0" if MODE == "test" else "1"))

SESSION_COOKIE_AGE = int(os.environ.get("ADMINDUK_SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = "adminduk.accounts.sessions"  # database sessions, the lookup compiled once
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Makassar"  # Kota Palu (WITA); all stored datetimes are UTC
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            # Demo and tests serve straight from the apps (WhiteNoise's finders), no collectstatic.
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if MODE != "production"
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = MODE != "production"
if MODE != "production":
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # collectstatic is a production step only

# Named per role, so a central and a node on one machine (the demo) keep separate logins.
SESSION_COOKIE_NAME = f"adminduk_{ROLE}_session"
CSRF_COOKIE_NAME = f"adminduk_{ROLE}_csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "adminduk.web.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts and styles only from adminduk's own static files,
# never inline; captured-image previews are data: URLs; nothing may frame a page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if MODE == "production":
    # Production runs behind a TLS proxy (nginx or Caddy); ADMINDUK_INSECURE_COOKIES=1 is the one
    # switch for a plain-HTTP office LAN, and turns the HTTPS-only settings below off with it.
    HTTPS_ONLY = os.environ.get("ADMINDUK_INSECURE_COOKIES", "0") != "1"
    SESSION_COOKIE_SECURE = HTTPS_ONLY
    CSRF_COOKIE_SECURE = HTTPS_ONLY
    if HTTPS_ONLY:
        SECURE_SSL_REDIRECT = os.environ.get("ADMINDUK_SSL_REDIRECT", "1") == "1"
        SECURE_HSTS_SECONDS = int(os.environ.get("ADMINDUK_HSTS_SECONDS", str(365 * 24 * 3600)))
        SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("ADMINDUK_HSTS_SUBDOMAINS", "0") == "1"
        # The proxy sets X-Forwarded-Proto and appends the client's address to X-Forwarded-For;
        # only trust them when a proxy is really in front.
        ADMINDUK_BEHIND_PROXY = os.environ.get("ADMINDUK_BEHIND_PROXY", "1") == "1"
        if ADMINDUK_BEHIND_PROXY:
            SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# HSTS preloading is decided for the registrable domain (e.g. palukota.go.id, the Pemkot's), not
# by one application on it: `adminduk check --deploy` does not ask for it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Django's own development-server handler, with the sync polls left out (demo output).
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["quiet_sync_polls"],
        },
    },
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "filters": {"quiet_sync_polls": {"()": "adminduk.core.logfilters.QuietSyncPolls"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ADMINDUK_LOG_LEVEL", "INFO")},
    "loggers": {
        # Failed logins are in the audit log already; axes would log every success too.
        "axes": {"level": "WARNING"},
        # run_huey gives the "huey" logger its own handler (stderr or --logfile); passing records
        # on to the root's handler as well printed every line twice.
        "huey": {"propagate": False},
        # FAISS's loader reports every CPU variant it tries and fails to find at INFO.
        "faiss": {"level": "WARNING"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# /api/docs and /api/openapi.json: on in demo and test, off in production unless enabled.
ADMINDUK_API_DOCS = os.environ.get("ADMINDUK_API_DOCS", "0" if MODE == "production" else "1") == "1"

# /metrics: with a token, a scraper elsewhere sends it as "Authorization: Bearer ..."; without
# one only this machine may read the metrics (adminduk.ops.views).
ADMINDUK_METRICS_TOKEN = os.environ.get("ADMINDUK_METRICS_TOKEN", "")

# The kota this installation serves (Kemendagri code); the demo uses Kota Palu.
ADMINDUK_KOTA = os.environ.get("ADMINDUK_KOTA", "72.71")

# --- Keys, node and central ----------------------------------------------------------------
# Key files (station Ed25519 key, the central's X25519 key) live here, owner-only.
ADMINDUK_KEY_DIR = os.environ.get("ADMINDUK_KEY_DIR", str(DATA_DIR / "keys"))
# On a node: the central's sealing key (base64 X25519) and its base URL for sync.
ADMINDUK_CENTRAL_PUBLIC_KEY = os.environ.get("ADMINDUK_CENTRAL_PUBLIC_KEY", "")
ADMINDUK_CENTRAL_URL = os.environ.get("ADMINDUK_CENTRAL_URL", "")
# The public address of the verification page printed in documents' QR codes (also by nodes,
# whose LAN address the public cannot reach); empty: the address the request came to.
ADMINDUK_PUBLIC_URL = os.environ.get("ADMINDUK_PUBLIC_URL", "")
# On a node: the station (registered at the central) whose key signs this node's packets.
ADMINDUK_STATION_ID = os.environ.get("ADMINDUK_STATION_ID", "")
# The largest push batch the central accepts (it tells nodes); Django's upload limit follows.
ADMINDUK_SYNC_MAX_BATCH_BYTES = int(os.environ.get("ADMINDUK_SYNC_MAX_BATCH_BYTES", str(2 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = ADMINDUK_SYNC_MAX_BATCH_BYTES + 64 * 1024
# Civil applications: the largest supporting document accepted as uploaded, and as stored after
# re-encoding (each travels from a node in one packet, whose limit is 1 MiB).
ADMINDUK_CIVIL_UPLOAD_MAX_BYTES = int(os.environ.get("ADMINDUK_CIVIL_UPLOAD_MAX_BYTES", str(3 * 1024 * 1024)))
ADMINDUK_CIVIL_STORED_MAX_BYTES = 700 * 1024
# Uploaded application documents are deleted this many days after the application was decided
# (civil.retention, daily task and `adminduk purge_documents`). UU PDP: kept no longer than needed.
ADMINDUK_CIVIL_DOCUMENT_RETENTION_DAYS = int(os.environ.get("ADMINDUK_CIVIL_DOCUMENT_RETENTION_DAYS", "90"))
# Residents changed in the last seconds are pulled next time, so a row committed late with an
# earlier updated_at is never skipped by a node's cursor.
ADMINDUK_SYNC_CHANGE_LAG_SECONDS = float(os.environ.get("ADMINDUK_SYNC_CHANGE_LAG_SECONDS", "30"))

# Capture devices per modality: a dotted path to an adapter class. The simulator serves the
# demo and the tests; a vendor SDK adapter is plugged in here.
ADMINDUK_DEVICE_ADAPTERS = {
    "face": os.environ.get("ADMINDUK_FACE_ADAPTER", "adminduk.enrollment.devices.simulator.SimulatedCamera"),
    "finger": os.environ.get("ADMINDUK_FINGER_ADAPTER", "adminduk.enrollment.devices.simulator.SimulatedFingerprintScanner"),
    "iris": os.environ.get("ADMINDUK_IRIS_ADAPTER", "adminduk.enrollment.devices.simulator.SimulatedIrisScanner"),
    "signature": os.environ.get("ADMINDUK_SIGNATURE_ADAPTER", "adminduk.enrollment.devices.simulator.SimulatedSignaturePad"),
}
# The card printer (chip personalisation and printing): the simulator fails now and then.
ADMINDUK_CARD_PRINTER = os.environ.get("ADMINDUK_CARD_PRINTER", "adminduk.printing.printers.SimulatedCardPrinter")
ADMINDUK_PRINTER_FAILURE_RATE = float(os.environ.get("ADMINDUK_PRINTER_FAILURE_RATE", "0.03"))

# 1:N biometric identification: "faiss" (built in) or "abis" (an external ABIS speaking the
# MOSIP ABIS API shape at ADMINDUK_ABIS_URL).
ADMINDUK_MATCHER = os.environ.get("ADMINDUK_MATCHER", "faiss")
# FAISS search: "approximate" (compressed scan re-ranked on exact vectors; exact below 10,000
# persons) or "exact" (a full scan).
ADMINDUK_MATCHER_MODE = os.environ.get("ADMINDUK_MATCHER_MODE", "approximate")
ADMINDUK_ABIS_URL = os.environ.get("ADMINDUK_ABIS_URL", "")
# Where the ABIS fetches a reference's biometric data (the MOSIP referenceURL).
ADMINDUK_ABIS_REFERENCE_URL = os.environ.get("ADMINDUK_ABIS_REFERENCE_URL", "")

# --- Background tasks (Huey) ---------------------------------------------------------------
# Demo and nodes: SQLite storage, no extra server. Production central: Redis (ADMINDUK_REDIS_URL)
# with several consumers. Tests run tasks immediately, in the calling process.
_redis_url = os.environ.get("ADMINDUK_REDIS_URL", "")
if MODE == "test" and not os.environ.get("ADMINDUK_HUEY_REAL"):
    HUEY = {"huey_class": "huey.MemoryHuey", "name": "adminduk", "immediate": True}
elif _redis_url:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": f"adminduk-{ROLE}",
        "url": _redis_url,
        "immediate": False,
        "consumer": {"workers": int(os.environ.get("ADMINDUK_WORKERS", "4")), "worker_type": "process"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": f"adminduk-{ROLE}",
        "filename": str(DATA_DIR / f"tasks-{ROLE}.sqlite3"),
        "immediate": False,
        "consumer": {"workers": int(os.environ.get("ADMINDUK_WORKERS", "2")), "worker_type": "thread"},
    }

# --- Summary tables of the dashboards (adminduk.reports) -----------------------------------
# How old a journal entry must be before the frequent refresh takes it (a transaction still open
# when the refresh runs must have committed by then).
ADMINDUK_REPORTS_LAG_SECONDS = int(os.environ.get("ADMINDUK_REPORTS_LAG_SECONDS", "60"))

# --- Messages to residents' phones (adminduk.messaging.backends) ---------------------------
# file (demo, tests: one JSON line per message in ADMINDUK_MESSAGING_FILE), console, sms or
# whatsapp (HTTP gateways below), or a dotted path to another backend class.
ADMINDUK_MESSAGING_BACKEND = os.environ.get("ADMINDUK_MESSAGING_BACKEND", "sms" if MODE == "production" else "file")
ADMINDUK_MESSAGING_FILE = os.environ.get("ADMINDUK_MESSAGING_FILE", str(DATA_DIR / "messages.jsonl"))
ADMINDUK_MESSAGING_TIMEOUT = float(os.environ.get("ADMINDUK_MESSAGING_TIMEOUT", "10"))
ADMINDUK_SMS_URL = os.environ.get("ADMINDUK_SMS_URL", "")
ADMINDUK_SMS_TOKEN = os.environ.get("ADMINDUK_SMS_TOKEN", "")
ADMINDUK_SMS_SENDER = os.environ.get("ADMINDUK_SMS_SENDER", "DUKCAPIL")
ADMINDUK_WHATSAPP_URL = os.environ.get("ADMINDUK_WHATSAPP_URL", "")
ADMINDUK_WHATSAPP_TOKEN = os.environ.get("ADMINDUK_WHATSAPP_TOKEN", "")
