"""Reads for the public ORUK directory: only what an agency chose to publish, no personal data.

Every read of the directory (list, detail, organisations, service-at-locations) starts from
``published_services``: a service is public only while it is active, published by its agency's
admin, and its agency is active."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.agencies.models import Agency, Need, Service
from apps.interop.oruk import ids


def published_services() -> QuerySet[Service]:
    return (Service.objects.filter(published=True, active=True, agency__active=True)
            .select_related("agency"))


@dataclass(frozen=True)
class ServiceFilters:
    """ORUK's search and filter parameters that Wraparound's data can answer."""

    search: str = ""
    taxonomy_term_id: str = ""
    taxonomy_id: str = ""
    organization_id: str = ""
    modified_after: datetime.datetime | None = None


def _term_filter(term_id: str) -> Q | None:
    """The services tagged with one taxonomy term (a need, or a capacity state)."""
    for code in Need.values:
        if ids.need_term_id(code) == term_id:
            return Q(needs__contains=[code])
    for accepting in (True, False):
        if ids.capacity_term_id(accepting) == term_id:
            return Q(accepting_referrals=accepting)
    return None


def service_search(*, filters: ServiceFilters) -> QuerySet[Service]:
    """Published services matching the filters, by name (index service_published_name)."""
    rows = published_services()
    for word in filters.search.split()[:5]:
        rows = rows.filter(Q(name__icontains=word) | Q(description__icontains=word)
                           | Q(eligibility__icontains=word) | Q(agency__name__icontains=word))
    if filters.taxonomy_term_id:
        term = _term_filter(filters.taxonomy_term_id)
        rows = rows.filter(term) if term is not None else rows.none()
    if filters.taxonomy_id == ids.NEEDS_TAXONOMY_ID:
        rows = rows.exclude(needs=[])
    elif filters.taxonomy_id and filters.taxonomy_id != ids.CAPACITY_TAXONOMY_ID:
        rows = rows.none()
    if filters.organization_id:
        rows = rows.filter(agency_id=filters.organization_id)
    if filters.modified_after is not None:
        rows = rows.filter(updated_at__gte=filters.modified_after)
    return rows.order_by("name", "id")


def service_published_get(*, service_id: str) -> Service | None:
    return published_services().filter(pk=service_id).first()


def publishing_agencies() -> QuerySet[Agency]:
    """Active agencies with at least one published service: the ORUK organisations."""
    return (Agency.objects.filter(active=True)
            .filter(Exists(published_services().filter(agency_id=OuterRef("pk"))))
            .order_by("name", "id"))


def organization_search(*, search: str = "") -> QuerySet[Agency]:
    rows = publishing_agencies()
    for word in search.split()[:5]:
        rows = rows.filter(name__icontains=word)
    return rows


def organization_published_get(*, organization_id: str) -> Agency | None:
    return publishing_agencies().filter(pk=organization_id).first()
