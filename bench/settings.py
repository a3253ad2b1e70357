"""Settings for `make bench`: the test settings (no debug, fast hasher, local-memory email) on a
separate database, ``wraparound_bench`` by default, on the same (embedded) server."""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ.get("WRAPAROUND_BENCH_DB", "wraparound_bench")
DATABASES["default"]["CONN_MAX_AGE"] = None
DEBUG = False
