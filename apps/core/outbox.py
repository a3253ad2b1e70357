"""The outbox mechanism shared by work that Celery does after a request (document scans,
subject access bundles): the row is the record of work to do; publishing the task never
blocks or fails the request; a beat sweep republishes what is still due, with backoff.
(Notifications keep their own batched publisher in ``apps.notifications.services``, built on
the same ``backoff``.)"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

log = logging.getLogger(__name__)


def backoff(attempts: int, *, base_seconds: int, cap_seconds: int) -> timedelta:
    """Wait before the next try after ``attempts`` tries: ``base * 2^(attempts-1)``, capped."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), cap_seconds))


def publish_each(task, ids: Iterable, *, what: str) -> int:
    """Send ``task(id)`` for each id; stop at the first broker error (the sweep will try
    again). Never raises; returns how many were sent."""
    sent = 0
    for pk in ids:
        try:
            task.apply_async(args=[str(pk)], retry=False)
        except Exception as exc:  # broker down: the sweep will try again
            log.warning("%s publish failed; the sweep will retry (%s)", what,
                        type(exc).__name__)
            break
        sent += 1
    return sent


def sweep_due(due: QuerySet, *, attempts_field: str, next_field: str, batch: int,
              wait: Callable[[int], timedelta], publish: Callable[[list], int]) -> int:
    """Claim up to ``batch`` rows of ``due`` (rows whose next try has come, ``SKIP LOCKED``
    so concurrent sweeps never claim the same row), count the attempt, set the next try and
    publish their ids after commit. Returns how many were claimed."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(due.select_for_update(skip_locked=True)
                    .filter(**{f"{next_field}__lte": now}).order_by(next_field)[:batch])
        for row in rows:
            attempts = getattr(row, attempts_field) + 1
            setattr(row, attempts_field, attempts)
            setattr(row, next_field, now + wait(attempts + 1))
        due.model.objects.bulk_update(rows, [attempts_field, next_field])
        ids = [row.pk for row in rows]
        if ids:
            transaction.on_commit(lambda: publish(ids))
    return len(ids)
