"""Test helpers: point the Celery app at another broker, and run a private Redis server that a
test may stop and restart (the shared embedded Redis is never stopped)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

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

