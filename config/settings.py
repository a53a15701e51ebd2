"""Waypoint settings: one file, read from the environment.

With no environment at all this is the embedded default used by `make run`
and a fresh `make test`: a SQLite file, eager Celery tasks, local-memory cache.
With DATABASE_URL and REDIS_URL the same code runs on PostgreSQL, Redis and a
real Celery worker. With DJANGO_DEBUG=false the deployment checks switch on and
a missing secret key stops the process.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() not in {"true", "false", "1", "0"}:
        raise ImproperlyConfigured(f"{name}={raw!r}: use true or false")
    return raw.lower() in {"true", "1"}


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")
    SECRET_KEY = "embedded-development-key-not-for-production-use-0123456789"  # nosec B105 (DEBUG only: refused above without it)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "template_partials",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Waypoint, lower apps first (they depend downward only)
    "audit",
    "notifications",  # the email outbox: send once, retry, record what could not be sent
    "accounts",
    "roster",
    "profiles",
    "competencies",
    "iep",
    "mtss",  # tiered supports: screening, tiers, support plans; reads iep's progress-monitoring engine
    "family_portal",
    "student_home",  # the student's own home: reads paths, profiles, competencies, iep
    "paths",
    "bench",
    "sso",  # single sign-on and family sign-in links: reads accounts and roster
    "credentials",  # Open Badges 3.0: reads competencies' stored mastery, roster's districts
    "privacy",  # reads every app above: the privacy registry, exports and purges
]

MIDDLEWARE = [
    "config.health.HealthCheckMiddleware",  # /healthz and /readyz, before the Host check and the HTTPS redirect
    # First, so it compresses what every other middleware wrote (P6). Django's gzip adds random bytes to each
    # response (BREACH mitigation since 4.2) and CSRF tokens are masked per response: docs/security.md.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.AccountLanguageMiddleware",  # the language chosen on the account, after sign-in
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.middleware.PrivateCacheMiddleware",
    "config.middleware.SessionTimeoutMiddleware",
    "roster.two_factor.TwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "csp.context_processors.nonce",
                "roster.context_processors.access",
            ],
        },
    },
]

# --- Database: SQLite file unless DATABASE_URL says otherwise -----------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Behind PgBouncer in transaction mode (DATABASE_POOLER=transaction) a server connection changes hands between
# transactions, so nothing may outlive one: no server-side cursors (QuerySet.iterator() then fetches in chunks on
# the client). Waypoint keeps no other session state in the connection (SET LOCAL only, no advisory locks).
if os.environ.get("DATABASE_POOLER") == "transaction":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# No JIT compilation: Waypoint's queries are short, but PostgreSQL cannot estimate the access door's list form, and
# at 10,000 students it JIT-compiled it for 1.1-3.2 s of a page that runs in 0.1 s (bench/README.md, MTSS). Sent
# as a startup option on direct connections; PgBouncer ignores it (tests/infra), so a pooled deployment sets it on
# the database instead (docs/deploy.md).
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache when REDIS_URL is set ----------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.FailOpenRedisCache",  # a Redis outage is a cache miss, not a 500 (T8.3)
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database so pages keep working when Redis is down.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(timedelta(hours=12).total_seconds())  # absolute limit
WAYPOINT_IDLE_TIMEOUT = int(timedelta(minutes=30).total_seconds())
WAYPOINT_IDLE_WARNING = 120  # the page warns this many seconds before the idle sign-out (T9.6, WCAG 2.2.1)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Celery: eager without a broker (tasks run in the request, errors raise) --
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A hung broker must never hang a web request (quality.md, known trap 2).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2, "max_retries": 1}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# No page reads a task's result, so `delay()` never touches the result backend: with results on, each
# `delay()` first subscribes to the result in Redis, with the backend's own defaults (120 s socket timeout,
# 20 reconnects), and a hung Redis held a parent's request for minutes (T8.2, tests/trust/test_broker_down_pg.py).
# A caller that needs a result asks for it: apply_async(..., ignore_result=False). The worker's writes to the
# backend get the broker's short timeouts.
CELERY_TASK_IGNORE_RESULT = True
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 2
# family_portal: the weekly digest, Monday morning; the unique (family, week) row makes a second run send nothing.
CELERY_BEAT_SCHEDULE = {
    "family_portal: weekly digest": {"task": "family_portal.send_weekly_digests", "schedule": crontab(minute=0, hour=7, day_of_week=1)},
    "family_portal: resend pending highlight emails": {"task": "family_portal.sweep_outbox", "schedule": 300.0},
    "mtss: resend pending family emails": {"task": "mtss.sweep_outbox", "schedule": 300.0},
}

# --- Accounts ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins before any password check
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Brute force (quality.md T5.2, pitfall 8): 5 failures lock one username from one address for 15 minutes,
# so one child's typos never lock out a whole school behind a NAT. The database handler keeps working with Redis down.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field; axes would default to USERNAME_FIELD (email)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Waypoint"

# --- Email ---------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Waypoint <no-reply@waypoint.test>")

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))



def s3_storage(bucket: str) -> dict:
    """Stored files (report PDFs, photos, attachments) in a private S3-compatible bucket. Credentials come the
    way boto3 finds them (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, an instance or pod role), never from here.
    No URL to the bucket ever reaches a page: every download streams through a view behind the access door."""
    options = {
        "bucket_name": bucket,
        "endpoint_url": os.environ.get("WAYPOINT_S3_ENDPOINT_URL") or None,  # MinIO, Ceph, R2...; unset: AWS
        "region_name": os.environ.get("WAYPOINT_S3_REGION") or None,
        "location": os.environ.get("WAYPOINT_S3_PREFIX", ""),
        "default_acl": "private",
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": 300,
    }
    if encryption := os.environ.get("WAYPOINT_S3_ENCRYPTION", "AES256"):  # empty: a store without SSE
        options["object_parameters"] = {"ServerSideEncryption": encryption}
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


# The local disk (MEDIA_ROOT) by default; an S3-compatible bucket when WAYPOINT_S3_BUCKET is set, so several
# web and worker nodes share the files.
S3_BUCKET = os.environ.get("WAYPOINT_S3_BUCKET", "")
STORAGES = {
    "default": s3_storage(S3_BUCKET) if S3_BUCKET else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security headers (every environment) ------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
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
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Deployment (DJANGO_DEBUG=false) ------------------------------------------
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # PDF rendering logs every stylesheet step at INFO: noise, not information.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "xmlschema": {"level": "WARNING"},  # pysaml2's schemas (SAML sign-in) say "already loaded" at every start
        "saml2": {"level": "WARNING"},
    },
}

# --- Waypoint -----------------------------------------------------------------
WAYPOINT_DEMO_PASSWORD = "waypoint-demo"  # nosec B105 (the demo accounts' published password)
# Where links in emails point (invitations).
WAYPOINT_BASE_URL = os.environ.get("WAYPOINT_BASE_URL", "http://127.0.0.1:8000")


# --- Credentials (Open Badges 3.0, credentials/) -------------------------------
# The address a verifier reaches: issuer ids, key ids and status lists are URLs under it, so it is written into
# every credential and must not change once credentials are issued.
WAYPOINT_PUBLIC_URL = os.environ.get("WAYPOINT_PUBLIC_URL", "http://localhost:8000" if DEBUG else "").rstrip("/")
# Private signing keys: one PEM file per key in this folder (mode 0600), or WAYPOINT_CREDENTIAL_KEY_<NAME> in the
# environment. Never in the database. Only the embedded development setup creates missing keys by itself.
CREDENTIALS_KEY_DIR = Path(os.environ.get("CREDENTIALS_KEY_DIR", BASE_DIR / "var" / "credential-keys"))
CREDENTIALS_DEV_KEYS = env_bool("CREDENTIALS_DEV_KEYS", DEBUG)
