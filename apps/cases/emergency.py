"""Emergency ("break-glass") access as the case permission layer sees it.

Access to a case, emergency access included, is decided here in ``apps.cases``: the selectors
(``case_list``) and the grants (``permissions.expected_grants``) read live emergency accesses
from these functions. ``apps.consent`` records, audits and ends them (its services and the
``EmergencyAccess`` model, whose table stays where it is); ``apps.cases`` never imports
``apps.consent`` to decide access: it reads the records through the case's
``emergency_accesses`` relation.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.cases.models import Case


def live_emergency_filter(*, now: datetime.datetime | None = None) -> Q:
    """Emergency accesses that still give access: not ended and not yet expired (so access
    ends on time even when the beat sweep that ends them is late or down)."""
    return Q(ended_at__isnull=True, expires_at__gt=now or timezone.now())


def emergency_accesses() -> QuerySet:
    """Every emergency access record, live or not."""
    model = Case._meta.get_field("emergency_accesses").related_model
    return model._default_manager.all()


def live_emergency_accesses(*, now: datetime.datetime | None = None) -> QuerySet:
    """The emergency accesses that give access now."""
    return emergency_accesses().filter(live_emergency_filter(now=now))
