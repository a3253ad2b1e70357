"""Settings for `make bench`: the test settings (no debug, fast hasher, local-memory email) on a
separate database, ``wraparound_bench`` by default, on the same (embedded) server."""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ.get("WRAPAROUND_BENCH_DB", "wraparound_bench")
DATABASES["default"]["CONN_MAX_AGE"] = None
# Commits wait for the disk as in production (the test settings turn that off).
DATABASES["default"]["OPTIONS"] = {k: v for k, v in DATABASES["default"]["OPTIONS"].items()
                                   if k != "options"}
DEBUG = False
# Two-factor on, as in production: every measured session is verified with a TOTP device
# (bench.run.clients_for), so each page pays for the device check as a real one does.
WRAPAROUND_REQUIRE_2FA = True

# The delivery measurement sends through a real SMTP server on 127.0.0.1 (bench.smtp_sink).
if os.environ.get("BENCH_SMTP_PORT"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = "127.0.0.1"
    EMAIL_PORT = int(os.environ["BENCH_SMTP_PORT"])
