import os

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, DATABASES, REST_FRAMEWORK

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Several test runs may share one embedded server: each can name its own test database.
_suffix = os.environ.get("WRAPAROUND_TEST_DB_SUFFIX", "")
DATABASES["default"]["TEST"] = {"NAME": f"test_wraparound{'_' + _suffix if _suffix else ''}"}
# A test database is thrown away: commits need not wait for the disk (a crash loses at most
# the last few; nothing is ever inconsistent). Many tests commit (live server, workers).
DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}),
                                   "options": "-c synchronous_commit=off"}

# Throttling must not slow or break tests: no limit (None) unless a test sets one
# (tests/security/test_throttling.py). Each test run counts in its own cache keys (the
# embedded Redis outlives a run).
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
    "token": None, "user": None, "anon": None}}
CACHES["default"]["KEY_PREFIX"] = f"wraparound-test-{os.getpid()}"

DOCUMENT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(BASE_DIR / ".data" / "test-documents")}}
