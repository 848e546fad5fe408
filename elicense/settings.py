"""Settings of the E-licensing system.

Everything that differs between a developer's machine, CI and production comes
from the environment: DATABASE_URL, ELICENSE_SECRET_KEY, ELICENSE_ALLOWED_HOSTS,
ELICENSE_DEBUG. The defaults give a working local system on an SQLite file.
"""
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from elicense.dbpool import configure_postgresql
from elicense.storage import storages_from_env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ELICENSE_VAR_DIR", BASE_DIR / "var"))

DEBUG = os.environ.get("ELICENSE_DEBUG", "0") == "1"
# "production": web/production.py refuses to start on development settings or demo material (ADR 0011).
ELICENSE_ENV = os.environ.get("ELICENSE_ENV", "development")
if ELICENSE_ENV not in ("development", "production"):
    raise RuntimeError(f"ELICENSE_ENV={ELICENSE_ENV!r}: must be development or production")
SECRET_KEY = os.environ.get("ELICENSE_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("ELICENSE_REQUIRE_SECRET") == "1":
        raise RuntimeError("ELICENSE_SECRET_KEY must be set in production")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
ALLOWED_HOSTS = [h for h in os.environ.get("ELICENSE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "core",
    "audit",
    "accounts",
    "workdays",
    "services",
    "workflow",
    "applications",
    "hearings",
    "integrations",
    "documents",
    "registry",
    "numbering",
    "spectrum",
    "representation",
    "api",
    "web",
    "portal",
    "backoffice",
    "pscdesk",
    "benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "web.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A NUL in an API call's path or query: 422, never a database error (api/input.py).
    "api.input.RefuseNulMiddleware",
    # Idempotency-Key on the API's state-changing calls (ADR 0016): after the log-in, so a key is the user's.
    "web.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "web.middleware.SecurityHeadersMiddleware",
    # Log-in lockout (ADR 0014): turns a locked-out attempt into web.lockout.lockout_response. Last, as axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "elicense.urls"
WSGI_APPLICATION = "elicense.wsgi.application"

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
                "web.context_processors.web",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'elicense.sqlite3'}"),
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # One writer at a time: wait for the lock instead of failing, and take the
    # write lock at BEGIN so that select_for_update-style sequences serialise.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # ADR 0011, docs/deployment.md: connections named ELICENSE_DB_APPLICATION_NAME (default elicense-web) and,
    # unless ELICENSE_DB_POOL=0, Django's connection pool: ELICENSE_DB_CONNECTION_BUDGET (default 20) shared
    # by ELICENSE_WEB_WORKERS (default 2) workers, waiting ELICENSE_DB_POOL_TIMEOUT (5) s, then HTTP 503; and,
    # unless ELICENSE_DB_PREPARED_STATEMENTS=0, parameters bound on the server and repeated statements
    # prepared there (ADR 0024).
    configure_postgresql(DATABASES["default"], os.environ)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# django-axes first (ADR 0014): it refuses a locked-out log-in before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Kazakh is the state language and the default; Russian is the official language.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Kazakh's date and number formats (Django has none for kk): dd.mm.yyyy, the decimal comma (elicense/formats/kk)
FORMAT_MODULE_PATH = ["elicense.formats"]
TIME_ZONE = "Asia/Almaty"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
# Stored files (attachments, scans, result PDFs) through Django's storage API: MEDIA_ROOT by default,
# ELICENSE_STORAGE=s3 for an S3 bucket shared by every app server (elicense/storage.py, docs/deployment.md).
STORAGES = storages_from_env(os.environ)
# Sessions are rows in the database (Django's default engine), which every app server shares.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Attachments: what the portal accepts (issue 5 builds the page on this).
ELICENSE_MAX_ATTACHMENT_BYTES = int(os.environ.get("ELICENSE_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))
# Uploads opened by real parsers before they are stored (applications/uploads.py, docs/web.md "Uploads"): a PDF's
# page, object and time bounds; an image's pixel limit (checked before decoding); the optional malware scanner
# (a dotted path, e.g. integrations.clamd.scan, with clamd's UNIX socket path or host:port).
ELICENSE_PDF_MAX_PAGES = int(os.environ.get("ELICENSE_PDF_MAX_PAGES", 500))
ELICENSE_PDF_MAX_OBJECTS = int(os.environ.get("ELICENSE_PDF_MAX_OBJECTS", 200_000))
ELICENSE_PDF_MAX_SECONDS = float(os.environ.get("ELICENSE_PDF_MAX_SECONDS", 10))
ELICENSE_MAX_IMAGE_PIXELS = int(os.environ.get("ELICENSE_MAX_IMAGE_PIXELS", 40_000_000))
ELICENSE_MALWARE_SCANNER = os.environ.get("ELICENSE_MALWARE_SCANNER", "")
ELICENSE_CLAMD_SOCKET = os.environ.get("ELICENSE_CLAMD_SOCKET", "")
ELICENSE_CLAMD_TIMEOUT = float(os.environ.get("ELICENSE_CLAMD_TIMEOUT", 30))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and os.environ.get("ELICENSE_INSECURE_COOKIES") != "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# The pages (issue 5, docs/web.md, ADR 0008): cookies, HTTPS, content-security policy.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = int(os.environ.get("ELICENSE_HSTS_SECONDS", "0"))  # set (e.g. 31536000) behind HTTPS
SECURE_SSL_REDIRECT = os.environ.get("ELICENSE_SSL_REDIRECT") == "1"
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes talk plain HTTP to the server itself
ELICENSE_BEHIND_HTTPS_PROXY = os.environ.get("ELICENSE_BEHIND_HTTPS_PROXY") == "1"
if ELICENSE_BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sessions (ADR 0014): 30 minutes idle (sliding: every request renews it), and gone when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("ELICENSE_SESSION_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Log-in lockout with django-axes (ADR 0014), on every log-in path: after AXES_FAILURE_LIMIT failures an
# account (any address) and a client address (any account) are refused for the cool-off; each failure during
# the lockout starts the cool-off again. Every attempt is kept (AccessAttempt, AccessLog, AccessFailureLog).
AXES_FAILURE_LIMIT = int(os.environ.get("ELICENSE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("ELICENSE_LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"  # X-Forwarded-For only behind the HTTPS proxy
AXES_LOCKOUT_CALLABLE = "web.lockout.lockout_response"  # JSON 429 under /api/, a localised page elsewhere
AXES_HTTP_RESPONSE_CODE = 429
# API tokens (ADR 0014): hours a new bearer token is valid, for staff and for applicants.
ELICENSE_TOKEN_HOURS_STAFF = float(os.environ.get("ELICENSE_TOKEN_HOURS_STAFF", "12"))
ELICENSE_TOKEN_HOURS_APPLICANT = float(os.environ.get("ELICENSE_TOKEN_HOURS_APPLICANT", "12"))
LOGIN_URL = "portal:login"
# The applicant's NCALayer: real NCALayer on the user's computer in production; the project's
# NCALayer-protocol signer (python -m ncalayer_signer) in development and tests.
ELICENSE_NCALAYER_URL = os.environ.get("ELICENSE_NCALAYER_URL", "wss://127.0.0.1:13579")
ELICENSE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],  # + ELICENSE_NCALAYER_URL, added by the middleware
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
# /api/docs loads Swagger UI from its CDN (django-ninja's page): no CSP there. The registry's pages
# (issue 6) still carry an inline <style>: allowed there until they extend templates/base.html.
ELICENSE_CSP_EXEMPT_PATHS = ["/api/docs"]
ELICENSE_CSP_INLINE_STYLE_PATHS = ["/registry/", "/verify/"]

# The services offered: one package each (services/registry.py); each holds its process definitions
# (BPMN files, docs/process-definitions.md) in its definitions/ folder.
ELICENSE_SERVICES = ["services.s1", "services.s2", "services.s3", "services.s4"]

# Outside systems (docs/integrations.md): which adapter implementation serves each
# interface, and where each system is with its shared signing secret. The
# simulators (simulators/, started by scripts/run) answer on these ports by default.
ELICENSE_ADAPTERS = {
    "registry": os.environ.get("ELICENSE_REGISTRY_ADAPTER", "integrations.registry.HttpRegistry"),
    "payments": os.environ.get("ELICENSE_PAYMENTS_ADAPTER", "integrations.payments.HttpPaymentGateway"),
    "documents": os.environ.get("ELICENSE_DOCUMENTS_ADAPTER", "integrations.documents.HttpDocuments"),
    "signatures": os.environ.get("ELICENSE_SIGNATURES_ADAPTER", "integrations.signatures.X509SignatureVerifier"),
}
ELICENSE_PUBLIC_URL = os.environ.get("ELICENSE_PUBLIC_URL", "http://127.0.0.1:8000")  # for return URLs
ELICENSE_CLIENT_ID = os.environ.get("ELICENSE_CLIENT_ID", "elicense")
ELICENSE_REGISTRY_URL = os.environ.get("ELICENSE_REGISTRY_URL", "http://127.0.0.1:8101")
ELICENSE_REGISTRY_SECRET = os.environ.get("ELICENSE_REGISTRY_SECRET", "dev-registry-secret")
ELICENSE_PAYMENTS_URL = os.environ.get("ELICENSE_PAYMENTS_URL", "http://127.0.0.1:8102")
ELICENSE_PAYMENTS_SECRET = os.environ.get("ELICENSE_PAYMENTS_SECRET", "dev-payments-secret")
ELICENSE_DOCUMENTS_URL = os.environ.get("ELICENSE_DOCUMENTS_URL", "http://127.0.0.1:8103")
ELICENSE_DOCUMENTS_SECRET = os.environ.get("ELICENSE_DOCUMENTS_SECRET", "dev-documents-secret")
# Per attempt timeout (s), retries of idempotent calls, first backoff (s, doubled each retry).
ELICENSE_ADAPTER_TIMEOUT = float(os.environ.get("ELICENSE_ADAPTER_TIMEOUT", "5"))
ELICENSE_ADAPTER_RETRIES = int(os.environ.get("ELICENSE_ADAPTER_RETRIES", "2"))
ELICENSE_ADAPTER_BACKOFF = float(os.environ.get("ELICENSE_ADAPTER_BACKOFF", "0.2"))
# A step waiting on an unavailable system is retried by `manage.py process_waiting`
# after base × 2^(attempts-1) seconds, at most the maximum.
ELICENSE_WAITING_RETRY_BASE = float(os.environ.get("ELICENSE_WAITING_RETRY_BASE", "30"))
ELICENSE_WAITING_RETRY_MAX = float(os.environ.get("ELICENSE_WAITING_RETRY_MAX", "3600"))
# A payment still open at the gateway this long after creation is polled by process_waiting (reconcile).
ELICENSE_PAYMENT_RECONCILE_AFTER = float(os.environ.get("ELICENSE_PAYMENT_RECONCILE_AFTER", "300"))
# Trust store for signature checks (docs/signatures.md, ADR 0012): trusted roots, intermediates and CRLs kept in
# the database (integrations.TrustItem), shared by every app server; each server looks for a change at most every
# ELICENSE_TRUST_REFRESH_SECONDS. The folder ELICENSE_TRUST_DIR holds the demo PKI and is an import source
# (manage.py import_trust_dir); ELICENSE_TRUST_STORE=directory reads it live instead (one server only).
ELICENSE_TRUST_DIR = Path(os.environ.get("ELICENSE_TRUST_DIR", VAR_DIR / "pki"))
# The BIN of the provider (Ministry/Committee) officers' signing certificates carry, for a provider unit that has no
# BIN of its own (services.ProviderUnit.bin; docs/signatures.md "Officers sign results").
ELICENSE_PROVIDER_BIN = os.environ.get("ELICENSE_PROVIDER_BIN", "")
ELICENSE_TRUST_STORE = os.environ.get("ELICENSE_TRUST_STORE", "database")
if ELICENSE_TRUST_STORE not in ("database", "directory"):
    raise RuntimeError("ELICENSE_TRUST_STORE must be database or directory")
ELICENSE_TRUST_REFRESH_SECONDS = float(os.environ.get("ELICENSE_TRUST_REFRESH_SECONDS", "5"))
# CRL refresh (integrations.tasks.refresh_crls, manage.py refresh_crls): extra CRL URLs (space-separated) besides the
# distribution points the trust store's certificates and CRLs name, and the seconds each fetch may take.
ELICENSE_CRL_URLS = os.environ.get("ELICENSE_CRL_URLS", "").split()
ELICENSE_CRL_FETCH_TIMEOUT = float(os.environ.get("ELICENSE_CRL_FETCH_TIMEOUT", "10"))

# Background work (docs/deployment.md "Background work", ADR 0013): one API, Django's tasks (the
# django-tasks backport). The embedded default keeps the queue in the database (works on SQLite);
# production may use RQ on Redis, whose workers run on any number of machines. Tasks are idempotent
# and derived from the database's state; the scheduler's sweeps re-enqueue anything a lost message
# left undone, so the queue is never the only record of work to do.
ELICENSE_TASK_BACKEND = os.environ.get("ELICENSE_TASK_BACKEND", "database")
ELICENSE_REDIS_URL = os.environ.get("ELICENSE_REDIS_URL", "redis://127.0.0.1:6379/0")
TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
}
if ELICENSE_TASK_BACKEND not in TASK_BACKENDS:
    raise RuntimeError(f"ELICENSE_TASK_BACKEND must be one of {sorted(TASK_BACKENDS)}")
TASKS = {"default": TASK_BACKENDS[ELICENSE_TASK_BACKEND]}
RQ_QUEUES = {"default": {"URL": ELICENSE_REDIS_URL, "DEFAULT_TIMEOUT": 300}}
# The shared cache (docs/deployment.md "Cache"): the public verification's answers (registry/cache.py),
# forgotten when the registry changes them. The embedded default is a folder, shared by the processes of one
# machine; with app servers on several machines it must be Redis (ELICENSE_CACHE=redis, at ELICENSE_REDIS_URL:
# production's default; the deploy checks refuse a folder in production); "none" keeps nothing.
ELICENSE_CACHE = os.environ.get("ELICENSE_CACHE", "redis" if ELICENSE_ENV == "production" else "file")
CACHE_BACKENDS = {
    "file": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")},
    # Half a second at most for Redis to answer; beyond, the answer is built (registry/cache.py UNREACHABLE).
    "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": ELICENSE_REDIS_URL,
              "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    "none": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
if ELICENSE_CACHE not in CACHE_BACKENDS:
    raise RuntimeError(f"ELICENSE_CACHE must be one of {sorted(CACHE_BACKENDS)}")
CACHES = {"default": {**CACHE_BACKENDS[ELICENSE_CACHE], "KEY_PREFIX": os.environ.get("ELICENSE_CACHE_PREFIX", "elicense")}}
# How long a verification answer is kept at most (seconds; 0: never kept): the bound on how late a change made
# behind the system's back (a row the audit chain no longer backs) shows.
ELICENSE_VERIFICATION_CACHE_SECONDS = float(os.environ.get("ELICENSE_VERIFICATION_CACHE_SECONDS", "30"))
# A paid service's request waits so many calendar days for its fee before it is refused for non-payment,
# and its applicant is reminded so many days before (services.PaymentTerm per service overrides both;
# the regulations set no figure: docs/deadlines.md).
ELICENSE_PAYMENT_TERM_DAYS = int(os.environ.get("ELICENSE_PAYMENT_TERM_DAYS", "10"))
ELICENSE_PAYMENT_NOTICE_DAYS = int(os.environ.get("ELICENSE_PAYMENT_NOTICE_DAYS", "2"))
# The scheduler (manage.py run_scheduler) enqueues each periodic task every so many seconds.
ELICENSE_PERIODIC_TASKS = [
    ("applications.tasks.resume_waiting_requests", float(os.environ.get("ELICENSE_RESUME_EVERY", "10"))),
    ("applications.tasks.reconcile_payments", float(os.environ.get("ELICENSE_RECONCILE_EVERY", "60"))),
    ("documents.tasks.produce_missing_documents", float(os.environ.get("ELICENSE_DOCUMENT_SWEEP_EVERY", "60"))),
    ("applications.tasks.sweep_overdue", float(os.environ.get("ELICENSE_OVERDUE_SWEEP_EVERY", "300"))),
    ("applications.tasks.end_unpaid_requests", float(os.environ.get("ELICENSE_UNPAID_SWEEP_EVERY", "900"))),
    ("hearings.tasks.close_expired_hearings", float(os.environ.get("ELICENSE_HEARING_SWEEP_EVERY", "900"))),
    ("accounts.tasks.purge_login_challenges", float(os.environ.get("ELICENSE_CHALLENGE_PURGE_EVERY", "3600"))),
    ("audit.tasks.extend_chain", float(os.environ.get("ELICENSE_AUDIT_CHAIN_EVERY", "30"))),
    ("core.tasks.purge_idempotency_keys", float(os.environ.get("ELICENSE_IDEMPOTENCY_PURGE_EVERY", "3600"))),
    ("integrations.tasks.refresh_crls", float(os.environ.get("ELICENSE_CRL_REFRESH_EVERY", "3600"))),
    ("numbering.tasks.flag_unused_blocks", float(os.environ.get("ELICENSE_RECLAMATION_SWEEP_EVERY", "86400"))),
    # Validation that lasts (documents/renewal.py, docs/documents.md): the signed results' CRLs and timestamps.
    ("documents.renewal.renew_validation", float(os.environ.get("ELICENSE_RENEW_EVERY", "86400"))),
]
# The renewal job refreshes a result's CRLs when those it holds for its last timestamp expire within this many
# days, and adds a document timestamp when that timestamp's certificates expire within the second number.
ELICENSE_RENEW_BEFORE_DAYS = float(os.environ.get("ELICENSE_RENEW_BEFORE_DAYS", "2"))
ELICENSE_RENEW_TIMESTAMP_BEFORE_DAYS = float(os.environ.get("ELICENSE_RENEW_TIMESTAMP_BEFORE_DAYS", "365"))
# Idempotency keys (ADR 0016, core/idempotency.py): kept this long; a call still in progress after
# ELICENSE_IDEMPOTENCY_IN_FLIGHT_SECONDS (over the web worker's timeout, which kills it) is taken as dead.
ELICENSE_IDEMPOTENCY_KEY_HOURS = float(os.environ.get("ELICENSE_IDEMPOTENCY_KEY_HOURS", "24"))
ELICENSE_IDEMPOTENCY_IN_FLIGHT_SECONDS = float(os.environ.get(
    "ELICENSE_IDEMPOTENCY_IN_FLIGHT_SECONDS", str(2 * int(os.environ.get("ELICENSE_WEB_TIMEOUT", "30")) + 10)))
# The audit log's chain (docs/audit.md, ADR 0015): rows are chained once older than the settle time (their
# transaction has committed by then); the head is timestamped by the TSA every so many links or seconds.
ELICENSE_AUDIT_SETTLE_SECONDS = float(os.environ.get("ELICENSE_AUDIT_SETTLE_SECONDS", "120"))
ELICENSE_AUDIT_CLOCK_TOLERANCE = float(os.environ.get("ELICENSE_AUDIT_CLOCK_TOLERANCE", "60"))
ELICENSE_AUDIT_ANCHOR_EVERY = int(os.environ.get("ELICENSE_AUDIT_ANCHOR_EVERY", "1000"))
ELICENSE_AUDIT_ANCHOR_SECONDS = float(os.environ.get("ELICENSE_AUDIT_ANCHOR_SECONDS", "600"))
ELICENSE_AUDIT_TIMESTAMPER = "documents.tsa.timestamper"
ELICENSE_AUDIT_TSA_CERTIFICATES = "documents.tsa.tsa_certificates"
# A result document still without its PDF this long after it was issued is enqueued again.
ELICENSE_DOCUMENT_SWEEP_AFTER = float(os.environ.get("ELICENSE_DOCUMENT_SWEEP_AFTER", "120"))

# Health (web/health.py, docs/deployment.md): /healthz answers without the database; /readyz runs these
# checks, each a function returning (ok, detail), named by the function's name without "check_".
ELICENSE_READINESS_CHECKS = [
    "web.health.check_database",
    "web.health.check_storage",
    "web.health.check_trust_store",
    "core.tasks.check_task_queue",
]
# The bare baseline endpoints (web/bench.py) for scripts/bench and scripts/loadtest: /bench/insert and
# /bench/json, mounted only when this is 1 (refused in production).
ELICENSE_BENCH_ENDPOINTS = os.environ.get("ELICENSE_BENCH_ENDPOINTS") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ELICENSE_LOG_LEVEL", "WARNING")},
}
