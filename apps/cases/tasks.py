import logging

from celery import shared_task

from apps.cases.drift import permissions_drift
from apps.cases.services import involvement_expire, involvements_due_to_expire
from apps.cases.sizes import agencies_case_share_refresh

logger = logging.getLogger(__name__)


@shared_task(name="apps.cases.tasks.permissions_check")
def permissions_check() -> dict:
    """Nightly: report (never silently repair) any drift between grants and domain facts."""
    report = permissions_drift(fix=False)
    level = logging.INFO if report.clean else logging.WARNING
    logger.log(level, "permissions check: %s", report.summary())
    return {"checked": report.cases_checked, "drifted": report.cases_drifted}


@shared_task(name="apps.cases.tasks.involvements_expire", ignore_result=True)
def involvements_expire() -> int:
    """Beat: end (or narrow to their open actions) timed involvements past their end. The
    selectors already ignore them, so a late sweep never extends access."""
    changed = 0
    for involvement_id in involvements_due_to_expire():
        changed += involvement_expire(involvement_id=involvement_id) is not None
    return changed


@shared_task(name="apps.cases.tasks.case_share_refresh", ignore_result=True)
def case_share_refresh() -> int:
    """Nightly: each agency's share of the cases, the case lists' planning hint."""
    return agencies_case_share_refresh()
