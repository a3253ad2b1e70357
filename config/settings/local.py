"""Settings for running the app on your own machine: `make run`, `make dev`, manage.py, Celery.

Debug pages are OFF unless you ask for them (DJANGO_DEBUG=true, which `make dev` sets): they
list every URL and show tracebacks with the environment (DATABASE_URL, REDIS_URL), so they must
never be what a user or a demo sees. Plain HTTP on 127.0.0.1 works (no HTTPS redirect or secure
cookies: those are in production.py). Static files are served by WhiteNoise from STATIC_ROOT
(`make run` runs collectstatic first); with DEBUG on, WhiteNoise finds them in place.
"""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", default=False)
