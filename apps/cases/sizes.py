"""How many of all cases each agency is involved in: a planning hint for the case lists.

``apps.cases.visibility.CaseGrant`` asks, for each case a list walks (newest first), whether
the acting agency holds a grant on it. PostgreSQL either probes the grant index once per case
or hashes all of the agency's grants first, and it decides as if the list read every case:
for an agency involved in a quarter of a million cases it built a 250,000-row hash to show 25
(420 ms against 11 ms, docs/performance.md). An agency involved in at least
``WRAPAROUND_CASE_PROBE_SHARE`` of the cases (default 2%) probes; smaller agencies hash, which
is cheaper for them. The share is refreshed nightly by beat; it never decides what anyone sees.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from apps.agencies.models import Agency
from apps.cases.models import Case, Involvement


def probe_share() -> float:
    return float(getattr(settings, "WRAPAROUND_CASE_PROBE_SHARE", 0.02))


def agencies_case_share_refresh() -> int:
    """Set every agency's ``case_share`` from its active involvements (one statement);
    returns how many agencies changed."""
    involvement, agency, case = (Involvement._meta.db_table, Agency._meta.db_table,
                                 Case._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {agency} a SET case_share = COALESCE(s.n, 0)::float "  # noqa: S608
            f"/ GREATEST((SELECT count(*) FROM {case}), 1) "
            f"FROM {agency} b LEFT JOIN (SELECT agency_id, count(*) AS n FROM {involvement} "
            "WHERE ended_at IS NULL GROUP BY agency_id) s ON s.agency_id = b.id "
            "WHERE a.id = b.id AND a.case_share IS DISTINCT FROM "
            f"COALESCE(s.n, 0)::float / GREATEST((SELECT count(*) FROM {case}), 1)")
        return cursor.rowcount
