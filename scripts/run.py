"""Start the whole app: web server, Celery worker and Celery beat, until Ctrl-C.

Uses the embedded PostgreSQL and Redis under .data/ unless DATABASE_URL / REDIS_URL are set.
Ctrl-C (or SIGTERM) stops all three; the data stays in .data/ for the next start.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = os.environ.get("WRAPAROUND_HOST", "127.0.0.1")
PORT = os.environ.get("WRAPAROUND_PORT", "8000")


def main() -> int:
    os.chdir(ROOT)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get(
        "DJANGO_SETTINGS_MODULE", "config.settings.local")}
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        sys.path.insert(0, str(ROOT))
        from config import embedded

        env.setdefault("DATABASE_URL", embedded.database_url())
        env.setdefault("REDIS_URL", embedded.redis_url())
    (ROOT / ".data").mkdir(exist_ok=True)
    commands = {
        "web": [PY, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload",
                "--skip-checks"],  # migrate has just run the checks
        "worker": [PY, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO",
                   "--concurrency=2", "--without-gossip", "--without-mingle"],
        "beat": [PY, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
                 "--schedule", str(ROOT / ".data" / "celerybeat-schedule")],
    }
    processes = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
    print(f"\nWraparound is running at http://{HOST}:{PORT}/  (Ctrl-C stops it)\n", flush=True)

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
