"""The navigation's work counts ("Referrals 3"): evaluated lazily, so a page that does not
render the header runs no query; otherwise one bounded read (``NAV_LIMIT``). A page that has
already counted (the tray) leaves its count on the request and no query runs."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from apps.work.selectors import NAV_LIMIT, referral_count


def _shown(count: int) -> str:
    return f"{NAV_LIMIT}+" if count > NAV_LIMIT else str(count)


def work_counts(request: HttpRequest) -> dict:
    actor = getattr(request, "actor", None)

    def referrals() -> str:
        known = getattr(request, "work_referral_count", None)
        return _shown(known if known is not None else referral_count(actor=actor))

    return {"nav_referrals": SimpleLazyObject(referrals)}
