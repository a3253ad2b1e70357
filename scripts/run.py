"""Start the whole app: web server, Celery worker and Celery beat, until Ctrl-C.

``make run`` (no argument): the product as a user sees it. gunicorn with worker processes, as in
production; debug pages off, so a missing page is the product's 404 page and an error its 500
page; static files served by WhiteNoise from STATIC_ROOT (``make run`` runs collectstatic first).

``make dev`` (``--dev``): Django's runserver with DEBUG on, for developers.

Both set WRAPAROUND_SITE_URL (the address links in emails point to) to the address actually
served, http://WRAPAROUND_HOST:WRAPAROUND_PORT, unless it is already set.

Uses the embedded PostgreSQL and Redis under .data/ unless DATABASE_URL / REDIS_URL are set.
Ctrl-C (or SIGTERM) stops all three; the data stays in .data/ for the next start.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = "8000"
DEFAULT_WEB_WORKERS = "2"
# Binding to every interface: there is no one host name to put in links or ALLOWED_HOSTS.
ANY_ADDRESS = {"0.0.0.0", "::", ""}
LOOPBACK = {"127.0.0.1", "localhost"}  # allowed by default (config.settings.base)


def address(environ: Mapping[str, str]) -> tuple[str, str]:
    """The host and port to serve on (WRAPAROUND_HOST, WRAPAROUND_PORT)."""
    return (environ.get("WRAPAROUND_HOST", DEFAULT_HOST) or DEFAULT_HOST,
            environ.get("WRAPAROUND_PORT", DEFAULT_PORT) or DEFAULT_PORT)


def _url_host(host: str) -> str:
    if host in ANY_ADDRESS:
        return DEFAULT_HOST
    return f"[{host}]" if ":" in host else host


def run_environment(environ: Mapping[str, str], *, dev: bool) -> dict[str, str]:
    """The environment for the three processes, computed from ``environ`` (no side effects).

    - ``config.settings.local`` unless DJANGO_SETTINGS_MODULE is set;
    - DJANGO_DEBUG is ``false`` for ``make run`` whatever the shell says, ``true`` for
      ``make dev`` unless set;
    - WRAPAROUND_SITE_URL is http://HOST:PORT unless set, so email links reach this server;
    - a host other than 127.0.0.1 / localhost is added to DJANGO_ALLOWED_HOSTS unless that is
      set (with debug off Django answers 400 to a host it does not know).
    """
    env = dict(environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    if dev:
        env.setdefault("DJANGO_DEBUG", "true")
    else:
        env["DJANGO_DEBUG"] = "false"
    host, port = address(environ)
    if not environ.get("WRAPAROUND_SITE_URL"):
        env["WRAPAROUND_SITE_URL"] = f"http://{_url_host(host)}:{port}"
    if not environ.get("DJANGO_ALLOWED_HOSTS") and host not in ANY_ADDRESS | LOOPBACK:
        env["DJANGO_ALLOWED_HOSTS"] = ",".join([*sorted(LOOPBACK), host])
    return env


def _gunicorn_version() -> tuple[int, ...]:
    from importlib.metadata import version

    return tuple(int(part) for part in version("gunicorn").split(".")[:2] if part.isdigit())


def commands(environ: Mapping[str, str], *, dev: bool) -> dict[str, list[str]]:
    """The command line of each process."""
    host, port = address(environ)
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if dev:
        web = [PY, "manage.py", "runserver", bind, "--noreload",
               "--skip-checks"]  # migrate has just run the checks
    else:
        web = [PY, "-m", "gunicorn", "config.wsgi:application", "--bind", bind,
               "--workers", environ.get("WEB_CONCURRENCY", DEFAULT_WEB_WORKERS),
               "--access-logfile", "-", "--graceful-timeout", "10"]
        if _gunicorn_version() >= (25, 1):
            # One control socket per user in $HOME by default: two checkouts running at once
            # would share it. The supervisor needs only signals.
            web.append("--no-control-socket")
    return {
        "web": web,
        "worker": [PY, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO",
                   "--concurrency=2", "--without-gossip", "--without-mingle"],
        "beat": [PY, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
                 "--schedule", str(ROOT / ".data" / "celerybeat-schedule")],
    }


def wait_until_serving(host: str, port: str, *, processes: Mapping[str, subprocess.Popen],
                       timeout: float = 60.0, settle: float = 3.0) -> bool:
    """Wait until the web server accepts connections (and the start-up logs have settled), so
    the logins and the address are the last thing on the screen."""
    import socket

    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(p.poll() is not None for p in processes.values()):
            return False
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=1):
                time.sleep(settle)
                return True
        except OSError:
            time.sleep(0.5)
    return False


def _demo_logins(env: Mapping[str, str]) -> str:
    result = subprocess.run([PY, "manage.py", "demo_logins", "--url", env["WRAPAROUND_SITE_URL"]],
                            env=dict(env), capture_output=True, text=True, check=False)
    return result.stdout.strip("\n") if result.returncode == 0 else ""


def banner(env: Mapping[str, str], *, mode: str, logins: str) -> str:
    """What ``make run`` prints last: the logins, the address, how to see them again, and
    where the emails went."""
    mail = ("printed above (WRAPAROUND_EMAIL_CONSOLE=true)"
            if env.get("WRAPAROUND_EMAIL_CONSOLE", "").lower() in ("1", "true", "yes", "on")
            else f"sent with {env['DJANGO_EMAIL_BACKEND']}" if env.get("DJANGO_EMAIL_BACKEND")
            else "written to .data/mail/ (WRAPAROUND_EMAIL_CONSOLE=true prints them)")
    lines = ["", "=" * 72, logins.strip("\n") if logins else "",
             f"Wraparound is running at {env['WRAPAROUND_SITE_URL']}/  ({mode}; Ctrl-C stops "
             "it)",
             "See the logins again: python manage.py demo_logins",
             f"Emails are {mail}.", "=" * 72, ""]
    return "\n".join(line for line in lines if line is not None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dev", action="store_true",
                        help="runserver with DEBUG on (make dev) instead of gunicorn")
    dev = parser.parse_args(argv).dev
    os.chdir(ROOT)
    env = run_environment(os.environ, dev=dev)
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        sys.path.insert(0, str(ROOT))
        from config import embedded

        env.setdefault("DATABASE_URL", embedded.database_url())
        env.setdefault("REDIS_URL", embedded.redis_url())
    (ROOT / ".data").mkdir(exist_ok=True)
    processes = {name: subprocess.Popen(cmd, env=env)
                 for name, cmd in commands(env, dev=dev).items()}
    mode = "development server, debug pages ON" if dev else "gunicorn, debug pages off"
    host, port = address(env)
    wait_until_serving(_url_host(host) if host not in ANY_ADDRESS else DEFAULT_HOST, port,
                       processes=processes)
    print(banner(env, mode=mode, logins=_demo_logins(env)), flush=True)

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"{name} exited with {process.returncode}; stopping the rest.", flush=True)
                exit_code = process.returncode or 1
                stopping = True
        time.sleep(0.5)
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.time() + 15
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            process.kill()
    print("Stopped. Data is kept in .data/.", flush=True)
    return exit_code


if __name__ == "__main__":
    raise SystemExit(main())
