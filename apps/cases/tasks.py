import logging

from celery import shared_task

from apps.cases.drift import permissions_drift

logger = logging.getLogger(__name__)


@shared_task(name="apps.cases.tasks.permissions_check")
def permissions_check() -> dict:
    """Nightly: report (never silently repair) any drift between grants and domain facts."""
    report = permissions_drift(fix=False)
    level = logging.INFO if report.clean else logging.WARNING
    logger.log(level, "permissions check: %s", report.summary())
    return {"checked": report.cases_checked, "drifted": report.cases_drifted}
