"""Who may see which reports (docs/insight.md). Asks ``apps.cases.policy`` for the shared
rules and never re-codes them.

* The referral funnel and equality monitoring: a manager, an agency admin or a MARAC
  coordinator, for their own agency, or for a partnership: the parties of an active data-sharing
  agreement that allows partnership reporting and to which their agency is a party.
* The MARAC data return: the coordinator of the area (``policy.may_coordinate``).
* Everyone else (practitioners, auditors, no agency): the pages do not exist (404), as for the
  other manager pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from apps.agencies.actor import Actor
from apps.agencies.models import Role
from apps.cases import policy

if TYPE_CHECKING:
    from apps.marac.models import MaracArea

REPORT_ROLES = frozenset({Role.MANAGER, Role.AGENCY_ADMIN, Role.COORDINATOR})


def may_see_reports(*, actor: Actor | None) -> bool:
    return (actor is not None and actor.membership.is_active
            and actor.role in REPORT_ROLES)


def require_see_reports(*, actor: Actor | None) -> None:
    if not may_see_reports(actor=actor):
        raise Http404("No such page")


def may_see_marac_return(*, actor: Actor | None, area: MaracArea) -> bool:
    return policy.may_coordinate(actor=actor, area=area)
