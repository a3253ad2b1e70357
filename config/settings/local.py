"""Settings for running the app on your own machine: `make run`, `make dev`, manage.py, Celery.

Debug pages are OFF unless you ask for them (DJANGO_DEBUG=true, which `make dev` sets): they
list every URL and show tracebacks with the environment (DATABASE_URL, REDIS_URL), so they must
never be what a user or a demo sees. Plain HTTP on 127.0.0.1 works (no HTTPS redirect or secure
cookies: those are in production.py). Static files are served by WhiteNoise from STATIC_ROOT
(`make run` runs collectstatic first); with DEBUG on, WhiteNoise finds them in place.
"""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, env, env_bool

DEBUG = env_bool("DJANGO_DEBUG", default=False)

# Mail: written to files under WRAPAROUND_DATA_DIR/mail (one per message) so that the demo's
# notifications do not flood the console; WRAPAROUND_EMAIL_CONSOLE=true prints them instead,
# and DJANGO_EMAIL_BACKEND (e.g. SMTP to a mail catcher) wins over both.
if not env("DJANGO_EMAIL_BACKEND"):
    if env_bool("WRAPAROUND_EMAIL_CONSOLE", default=False):
        EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    else:
        EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
        EMAIL_FILE_PATH = str(Path(env("WRAPAROUND_DATA_DIR", "") or BASE_DIR / ".data") / "mail")
