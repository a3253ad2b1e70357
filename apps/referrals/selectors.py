"""Reads of referrals, scoped to what the acting agency may see: one selector for UI and API."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.agencies.actor import Actor
from apps.core.db import joins_as_written
from apps.core.pagination import Page, keyset_page
from apps.core.permissions import permission_id
from apps.referrals.models import (
    Referral,
    ReferralEvent,
    ReferralGroupObjectPermission,
    ReferralStatus,
)
from apps.referrals.permissions import VIEW

INBOX_TABS = ("new", "awaiting", "overdue")


def _visible(actor: Actor) -> Q:
    grant = ReferralGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"), group_id=actor.membership.agency.group_id,
        permission_id=permission_id(app_label="referrals", model="referral", codename=VIEW),
    )
    return Q(Exists(grant))


# What the inbox and outgoing tables show; the API and the detail page load the lot.
LIST_RELATED = ("case", "from_agency", "from_user", "to_agency", "to_service")


def referral_list(*, actor: Actor | None) -> QuerySet[Referral]:
    """Every referral the acting agency may see (sent by it, or submitted to it), with the
    ten relations a referral shows; evaluate it inside ``joins_as_written()`` (as the pages
    and the API here do) or PostgreSQL spends longer planning the joins than running them."""
    if actor is None or not actor.membership.is_active:
        return Referral.objects.none()
    return Referral.objects.filter(_visible(actor)).select_related(
        *LIST_RELATED, "case__subject", "sharing_basis", "signpost_service",
        "signpost_service__agency", "decided_by", "assigned_to",
    )


def referral_get(*, actor: Actor | None, referral_id: UUID | str) -> Referral:
    try:
        with joins_as_written():
            return referral_list(actor=actor).get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such referral") from exc


def referral_events(*, referral: Referral) -> QuerySet[ReferralEvent]:
    """The full history, oldest first (the caller has already got the referral by selector)."""
    return referral.events.select_related("user", "agency").order_by("at", "id")


def _page(rows: QuerySet[Referral], *, field: str, cursor: str | None,
          page_size: int) -> Page:
    """A page of a table: only the relations it shows (not the subject's record)."""
    rows = rows.select_related(None).select_related(*LIST_RELATED)
    with joins_as_written():
        return keyset_page(rows, ordering=(f"-{field}", "-pk"), cursor=cursor,
                           page_size=page_size)


def inbox_queryset(*, actor: Actor | None, tab: str = "new") -> QuerySet[Referral]:
    """Referrals to the acting agency awaiting it:
    ``new`` submitted and not yet opened by anyone in the agency; ``awaiting`` opened but not
    decided (including those waiting for the referrer's answer); ``overdue`` submitted and past
    the service's response target."""
    if actor is None:
        return Referral.objects.none()
    rows = referral_list(actor=actor).filter(to_agency_id=actor.agency_id)
    if tab == "new":
        return rows.filter(status=ReferralStatus.SUBMITTED, seen_at__isnull=True)
    if tab == "awaiting":
        return rows.filter(Q(status=ReferralStatus.SUBMITTED, seen_at__isnull=False)
                           | Q(status=ReferralStatus.INFO_REQUESTED))
    if tab == "overdue":
        return rows.filter(status=ReferralStatus.SUBMITTED, due_at__lte=timezone.now())
    raise Http404("No such inbox tab")


@dataclass(frozen=True)
class ReferralFilters:
    """The referral lists' filters, shared by the inbox and outgoing pages and
    ``GET /api/v1/referrals/``: ``box`` "inbox" (with its ``tab``), "outgoing" or "" (both);
    ``status`` narrows any of them."""

    box: str = ""
    tab: str = "new"
    status: str = ""


def referral_list_filtered(*, actor: Actor | None,
                           filters: ReferralFilters) -> QuerySet[Referral]:
    """``Http404`` for an unknown inbox tab."""
    if actor is None:
        return Referral.objects.none()
    if filters.box == "inbox":
        rows = inbox_queryset(actor=actor, tab=filters.tab)
    else:
        rows = referral_list(actor=actor)
        if filters.box == "outgoing":
            rows = rows.filter(from_agency_id=actor.agency_id)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows


def inbox(*, actor: Actor | None, tab: str = "new", cursor: str | None = None,
          page_size: int = 25) -> Page:
    """A page of the inbox, newest submission first (index referral_inbox)."""
    rows = referral_list_filtered(actor=actor, filters=ReferralFilters(box="inbox", tab=tab))
    return _page(rows, field="submitted_at", cursor=cursor, page_size=page_size)


def outgoing(*, actor: Actor | None, status: str = "", cursor: str | None = None,
             page_size: int = 25) -> Page:
    """The acting agency's own referrals, every status, newest first."""
    rows = referral_list_filtered(actor=actor,
                                  filters=ReferralFilters(box="outgoing", status=status))
    return _page(rows, field="created_at", cursor=cursor, page_size=page_size)


def referral_capabilities(*, actor: Actor, referral: Referral) -> frozenset[str]:
    """What the actor may do now, for a thin UI: the services enforce the same rules."""
    from apps.referrals.services import allowed_actions

    return allowed_actions(actor=actor, referral=referral)


def referral_prefill(*, case) -> dict[str, str]:
    """Tell it once: the facts a new referral reuses from the case."""
    subject = case.subject
    return {
        "case_reference": case.reference,
        "subject_name": f"{subject.given_name} {subject.family_name}".strip(),
        "subject_date_of_birth": subject.date_of_birth.isoformat()
        if subject.date_of_birth else "",
        "shared_information": case.summary,
    }
