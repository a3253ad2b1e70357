"""Beat runs ``summary_refresh`` nightly (``config/settings/base.py``); it takes no arguments."""

from __future__ import annotations

from celery import shared_task

from apps.insight.summary import summary_refresh as _summary_refresh


@shared_task(name="apps.insight.tasks.summary_refresh", ignore_result=True)
def summary_refresh() -> int:
    """Rebuild the reports' summary in one transaction; returns the summary rows written."""
    refresh = _summary_refresh()
    return refresh.referral_rows + refresh.duration_rows + refresh.outcome_rows
