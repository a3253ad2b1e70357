from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = False
WRAPAROUND_REQUIRE_2FA = env_bool("WRAPAROUND_REQUIRE_2FA", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY")  # required: no default in production
if not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set in production")

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

# Documents: never the EICAR-only development scanner in production (docs/records.md).
DOCUMENT_SCANNER = env("WRAPAROUND_DOCUMENT_SCANNER",
                       "apps.documents.scanning.ClamdScanner" if env("CLAMD_URL") else "")
if DOCUMENT_SCANNER.endswith("EicarOnlyScanner"):
    raise RuntimeError("The EICAR-only scanner is for development; set CLAMD_URL")
