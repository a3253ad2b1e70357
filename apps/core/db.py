"""Small PostgreSQL levers for the few queries that need them (see docs/performance.md)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def joins_as_written() -> Iterator[None]:
    """Plan the queries run inside with their JOINs in the order Django wrote them.

    A list that ``select_related()``s many tables (a referral with its case, subject, agencies,
    service, sharing basis, …) makes PostgreSQL search every join order: 14-18 ms of planning
    for a query that executes in under 1 ms. Django writes the joins from the listed table
    outwards, which is the plan we want (start from the agency's own rows, then look up each
    row's relations by primary key), so ``join_collapse_limit = 1`` keeps that order and
    plans in about 1 ms. The setting is transaction-local and restored on the way out, so it
    never reaches a query outside the block."""
    nested = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('join_collapse_limit'), "
                       "set_config('join_collapse_limit', '1', true)")
        previous = cursor.fetchone()[0]
        yield
        if nested:  # otherwise the commit ends it; after an error the rollback does
            cursor.execute("SELECT set_config('join_collapse_limit', %s, true)", [previous])
