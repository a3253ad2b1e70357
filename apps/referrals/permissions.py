"""Object permissions on referrals, derived from the referral's state only.

The referring agency's group may view its referral from the moment it is drafted; the
receiving agency's group may view it (and decide it) once it has been submitted. A draft is
therefore invisible to the receiving agency. Only services call ``referral_permissions_sync``.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission

from apps.referrals.models import Referral, ReferralGroupObjectPermission, ReferralStatus

VIEW = "view_referral"
DECIDE = "decide_referral"


def _permission_ids() -> dict[str, int]:
    return dict(Permission.objects.filter(
        content_type__app_label="referrals", content_type__model="referral",
        codename__in=[VIEW, DECIDE]).values_list("codename", "id"))


def expected_grants(*, referral: Referral) -> set[tuple[int, str]]:
    grants = {(referral.from_agency.group_id, VIEW)}
    if referral.status != ReferralStatus.DRAFT:
        grants |= {(referral.to_agency.group_id, VIEW), (referral.to_agency.group_id, DECIDE)}
    return grants


def referral_permissions_sync(*, referral: Referral) -> None:
    ids = _permission_ids()
    names = {v: k for k, v in ids.items()}
    want = expected_grants(referral=referral)
    have = {(g, names[p]): pk for pk, g, p in ReferralGroupObjectPermission.objects.filter(
        content_object=referral).values_list("pk", "group_id", "permission_id")}
    ReferralGroupObjectPermission.objects.filter(
        pk__in=[pk for key, pk in have.items() if key not in want]).delete()
    ReferralGroupObjectPermission.objects.bulk_create(
        ReferralGroupObjectPermission(content_object=referral, group_id=g,
                                      permission_id=ids[c])
        for g, c in want - have.keys()
    )
