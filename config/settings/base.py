"""Settings shared by every environment. Everything that differs comes from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-development-key-change-me-in-production-0123456789")
DEBUG = env_bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env("WRAPAROUND_SITE_URL", "http://127.0.0.1:8000")


def database_config(url: str | None) -> dict:
    if not url:
        from config import embedded

        url = embedded.database_url()
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    config["ATOMIC_REQUESTS"] = False
    return config


def redis_url(url: str | None) -> str:
    if url:
        return url
    from config import embedded

    return embedded.redis_url()


DATABASES = {"default": database_config(env("DATABASE_URL"))}
REDIS_URL = redis_url(env("REDIS_URL"))


def cache_location(url: str) -> str:
    """Django's Redis cache takes ``unix://`` for a socket (the embedded Redis)."""
    if url.startswith("redis+socket://"):
        return "unix://" + url.removeprefix("redis+socket://")
    return url


# Django's cache (Redis): the API's throttle counters.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": cache_location(REDIS_URL),
        "KEY_PREFIX": "wraparound",
        "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver (`make dev`) leaves static files to WhiteNoise too, as gunicorn does: one code
    # path, which refuses paths outside the static files (`/static/..%2f..%2fmanage.py` is a 404)
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "django_htmx",
    "csp",
    "apps.core",
    "apps.accounts",
    "apps.agencies",
    "apps.people",
    "apps.cases",
    "apps.audit",
    "apps.consent",
    "apps.notifications",
    "apps.referrals",
    "apps.marac",
    "apps.action_plans",
    "apps.interop",
    "apps.documents",
    "apps.records",
    "apps.insight",
    "apps.webhooks",
    "apps.work",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.NoStoreMiddleware",
    "apps.core.middleware.ApiJsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.documents.middleware.RawUploadNameMiddleware",  # before anything reads the body
    "apps.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.accounts.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "apps.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.agencies.middleware.ActingAgencyMiddleware",
    "apps.audit.middleware.HistoryContextMiddleware",
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
                "apps.agencies.context_processors.acting_agency",
                "apps.notifications.context_processors.notifications",
                "apps.work.context_processors.work_counts",
            ],
            # govuk_date / govuk_datetime filters in every template (apps/core/dates.py).
            "builtins": ["apps.core.templatetags.govuk_dates",
                         "apps.core.templatetags.wording",
                         "apps.core.templatetags.choices"],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    "apps.accounts.backends.SignInLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"  # the work tray
LOGOUT_REDIRECT_URL = "accounts:login"

# Two-factor sign-in (django-otp, TOTP with backup codes). When required, every signed-in
# user must enrol and verify before any other page; users who enrolled always verify.
WRAPAROUND_REQUIRE_2FA = env_bool("WRAPAROUND_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "Wraparound"

# Sign-in lockout (django-axes): keyed on username AND address together, so an attacker
# elsewhere cannot lock a named user out, and one address cannot try many passwords.
AXES_FAILURE_LIMIT = int(env("WRAPAROUND_LOCKOUT_FAILURES", "5") or 5)
AXES_COOLOFF_TIME = timedelta(minutes=int(env("WRAPAROUND_LOCKOUT_MINUTES", "30") or 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
AXES_VERBOSE = False

# django-guardian: direct foreign-key models only; no anonymous user object.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Change history of case data: database triggers (django-pghistory), so bulk updates cannot
# skip it; event tables are append-only.
PGHISTORY_APPEND_ONLY = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# "30 November 2026" wherever a date is rendered without a filter (config/formats/en_GB).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Idle timeout and absolute lifetime (apps.accounts.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_SECONDS = int(env("WRAPAROUND_SESSION_IDLE_SECONDS", str(30 * 60)) or 1800)
SESSION_ABSOLUTE_SECONDS = int(
    env("WRAPAROUND_SESSION_ABSOLUTE_SECONDS", str(10 * 60 * 60)) or 36000
)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Strict CSP: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Style attributes: none, except the one constant style accessible-autocomplete writes
        # as HTML on iPhone/iPad (its visually hidden "n of m" option suffix; docs/frontend.md).
        "style-src-attr": ["'unsafe-hashes'",
                           "'sha256-s7B4Mv2I5ZJWv3wMt+YPqe3nsI+kQb7VMqSRNcvdVGg='"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25") or 25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Wraparound <no-reply@wraparound.invalid>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.MembershipTokenAuthentication",
        "apps.accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.KeysetCursorPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.WraparoundAutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON in, JSON out; the parser limits size (DATA_UPLOAD_MAX_MEMORY_SIZE), nesting and NUL.
    "DEFAULT_PARSER_CLASSES": ["apps.core.api.parsers.SafeJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Rate limits (429 with Retry-After), counted in the cache; see docs/api.md.
    "DEFAULT_THROTTLE_CLASSES": ["apps.core.api.throttling.TokenRateThrottle",
                                 "apps.core.api.throttling.UserRateThrottle",
                                 "apps.core.api.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env("WRAPAROUND_API_RATE_TOKEN", "600/min"),
        "user": env("WRAPAROUND_API_RATE_USER", "1200/min"),
        "anon": env("WRAPAROUND_API_RATE_ANON", "60/min"),
    },
}
# Largest request body read into memory: forms (Django) and API JSON (SafeJSONParser).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("WRAPAROUND_MAX_BODY_BYTES", str(1024 * 1024)) or 1048576)
SPECTACULAR_SETTINGS = {
    "TITLE": "Wraparound API",
    "DESCRIPTION": "Multi-agency case collaboration. Every collection is scoped to the agency "
    "the caller acts for; an object the caller may not see answers 404.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"CaseStatusEnum": "apps.cases.models.CaseStatus",
                            "ReferralStatusEnum": "apps.referrals.models.ReferralStatus",
                            "ConsentGivenByEnum": "apps.consent.models.ConsentGivenBy",
                            "AgencyKindEnum": "apps.agencies.models.AgencyKind",
                            "SharingKindEnum": "apps.consent.models.BasisKind",
                            "SharingLawfulBasisEnum": "apps.consent.models.LawfulBasis",
                            "DsaLawfulBasisEnum": "apps.consent.models.DsaLawfulBasis",
                            "RiskLevelEnum": "apps.cases.models.RiskLevel"},
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 2, "socket_connect_timeout": 2,
                                   # publishing gives up at once when Redis is down (the
                                   # notification outbox sweep retries): never block a request
                                   "max_retries": 0}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "cases-involvements-expire": {
        "task": "apps.cases.tasks.involvements_expire",
        "schedule": 900.0,
    },
    "cases-share-refresh": {
        "task": "apps.cases.tasks.case_share_refresh",
        "schedule": crontab(hour=2, minute=15),
    },
    # The reports' summary (apps/insight/summary.py, docs/insight.md).
    "insight-summary-refresh": {
        "task": "apps.insight.tasks.summary_refresh",
        "schedule": crontab(hour=2, minute=45),
    },
    "permissions-nightly-check": {
        "task": "apps.cases.tasks.permissions_check",
        "schedule": crontab(hour=2, minute=30),
    },
    "notifications-outbox-sweep": {
        "task": "apps.notifications.tasks.outbox_sweep",
        "schedule": 60.0,
    },
    "notifications-daily-digest": {
        "task": "apps.notifications.tasks.daily_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    "referrals-reminders": {
        "task": "apps.referrals.tasks.referral_reminders",
        "schedule": 300.0,
    },
    "consent-emergency-access-sweep": {
        "task": "apps.consent.tasks.emergency_access_sweep",
        "schedule": 60.0,
    },
    "consent-sharing-reminders": {
        "task": "apps.consent.tasks.sharing_reminders",
        "schedule": 3600.0,
    },
    "marac-research-reminders": {
        "task": "apps.marac.tasks.research_reminders",
        "schedule": 900.0,
    },
    "action-plans-reminders": {
        "task": "apps.action_plans.tasks.action_reminders",
        "schedule": 900.0,
    },
}
# Case lists of an agency involved in at least this share of all cases probe each case's
# grant by index instead of hashing the agency's grants (apps/cases/sizes.py).
WRAPAROUND_CASE_PROBE_SHARE = float(env("WRAPAROUND_CASE_PROBE_SHARE", "0.02") or 0.02)
NOTIFICATION_MAX_ATTEMPTS = int(env("WRAPAROUND_NOTIFICATION_MAX_ATTEMPTS", "8") or 8)
NOTIFICATION_RETRY_BASE_SECONDS = int(env("WRAPAROUND_NOTIFICATION_RETRY_SECONDS", "30") or 30)

WRAPAROUND = {
    "CASE_REFERENCE_PREFIX": env("WRAPAROUND_CASE_REFERENCE_PREFIX", "NB"),
    "EMERGENCY_ACCESS_HOURS": int(env("WRAPAROUND_EMERGENCY_ACCESS_HOURS", "24") or 24),
}
EMERGENCY_ACCESS_DURATION = timedelta(hours=WRAPAROUND["EMERGENCY_ACCESS_HOURS"])
# A MARAC involvement ends this many days after its meeting is held (apps/cases/sections.py).
WRAPAROUND_MARAC_ACCESS_DAYS = int(env("WRAPAROUND_MARAC_ACCESS_DAYS", "28") or 28)
# The work tray (apps/work): a case whose key worker has recorded nothing for this many days
# is due a contact.
WRAPAROUND_QUIET_CASE_DAYS = int(env("WRAPAROUND_QUIET_CASE_DAYS", "14") or 14)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
    },
}

# Standards (apps/interop, docs/api.md): the public Open Referral UK directory's cache lifetime,
# and the import's limits. An empty host list lets agency admins import from any host.
ORUK_CACHE_SECONDS = int(env("WRAPAROUND_ORUK_CACHE_SECONDS", "60") or 60)
ORUK_IMPORT_ALLOWED_HOSTS = [h.strip() for h in env("WRAPAROUND_ORUK_IMPORT_HOSTS", "").split(",")
                             if h.strip()]
ORUK_IMPORT_MAX_BYTES = int(env("WRAPAROUND_ORUK_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)) or 0)
ORUK_IMPORT_TIMEOUT_SECONDS = float(env("WRAPAROUND_ORUK_IMPORT_TIMEOUT", "10") or 10)
# Documents on a case (docs/records.md): limits, storage, virus scanner.
DOCUMENT_MAX_BYTES = int(env("WRAPAROUND_DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)) or 10485760)
DOCUMENT_MAX_UNPACKED_BYTES = int(env("WRAPAROUND_DOCUMENT_MAX_UNPACKED_BYTES",
                                      str(100 * 1024 * 1024)) or 104857600)
DOCUMENT_MAX_ZIP_RATIO = 100
DOCUMENT_MAX_ZIP_ENTRIES = 1000
# Django accepts a multipart body up to the document limit (plus the form's other fields).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DOCUMENT_STORAGE = {
    "BACKEND": env("WRAPAROUND_DOCUMENT_STORAGE_BACKEND",
                   "django.core.files.storage.FileSystemStorage"),
    "OPTIONS": ({"location": str(Path(env("WRAPAROUND_DATA_DIR", "") or BASE_DIR / ".data")
                                 / "documents")}
                if not env("WRAPAROUND_DOCUMENT_STORAGE_BACKEND") else {
                    "bucket_name": env("WRAPAROUND_DOCUMENT_S3_BUCKET", ""),
                    "endpoint_url": env("WRAPAROUND_DOCUMENT_S3_ENDPOINT_URL", "") or None,
                    "region_name": env("WRAPAROUND_DOCUMENT_S3_REGION", "") or None,
                    "default_acl": "private", "querystring_auth": True,
                    "file_overwrite": False}),
}
# "apps.documents.scanning.ClamdScanner" with CLAMD_URL (unix:///… or tcp://host:3310); the
# EICAR-only scanner is for development and the demo; empty: documents stay held.
DOCUMENT_SCANNER = env("WRAPAROUND_DOCUMENT_SCANNER",
                       "apps.documents.scanning.ClamdScanner" if env("CLAMD_URL")
                       else "apps.documents.scanning.EicarOnlyScanner")
CLAMD_URL = env("CLAMD_URL", "")
CELERY_BEAT_SCHEDULE["documents-scan-sweep"] = {
    "task": "apps.documents.tasks.scan_sweep", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["records-subject-access-sweep"] = {
    "task": "apps.records.tasks.sar_sweep", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["records-retention-sweep"] = {
    "task": "apps.records.tasks.retention_sweep", "schedule": crontab(hour=3, minute=15)}
# Retention of closed cases (docs/records.md): six years after closing unless an agency's
# own rule or a data-sharing agreement's period is shorter.
RETENTION_DEFAULT_MONTHS = int(env("WRAPAROUND_RETENTION_DEFAULT_MONTHS", "72") or 72)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update({
    "RightsRequestKindEnum": "apps.records.models.RightsRequestKind",
    "SectionEnum": "apps.cases.sections.Section",
})
# Insight (apps/insight, docs/insight.md): a group's rate is flagged in equality monitoring when
# it differs from everyone else's by more than this many percentage points.
INSIGHT_EQUALITY_THRESHOLD = float(env("INSIGHT_EQUALITY_THRESHOLD", "10") or 10)
# Webhooks (apps/webhooks, docs/api.md): only https, except these hosts (comma-separated; also
# the only hosts that may resolve to a private, loopback or link-local address); tries and
# backoff; the receiver's timeout.
WEBHOOK_ALLOW_HTTP_HOSTS = env_list("WRAPAROUND_WEBHOOK_ALLOW_HTTP_HOSTS")
WEBHOOK_MAX_ATTEMPTS = int(env("WRAPAROUND_WEBHOOK_MAX_ATTEMPTS", "10") or 10)
WEBHOOK_RETRY_BASE_SECONDS = int(env("WRAPAROUND_WEBHOOK_RETRY_SECONDS", "30") or 30)
WEBHOOK_TIMEOUT_SECONDS = float(env("WRAPAROUND_WEBHOOK_TIMEOUT", "5") or 5)
CELERY_BEAT_SCHEDULE["webhooks-delivery-sweep"] = {
    "task": "apps.webhooks.tasks.delivery_sweep", "schedule": 30.0}
