"""The services directory: every member may search it; admins see their own agency's list."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from apps.agencies.actor import Actor
from apps.agencies.models import Role, Service


def service_list(*, actor: Actor | None, q: str = "", need: str = "", area: str = "",
                 kind: str = "", agency_id: str = "",
                 accepting_only: bool = False) -> QuerySet[Service]:
    """Active services of active agencies, searched by words, need, area and agency kind."""
    if actor is None:
        return Service.objects.none()
    services = Service.objects.filter(active=True, agency__active=True).select_related("agency")
    if q:
        for word in q.split()[:5]:
            services = services.filter(
                Q(name__icontains=word) | Q(description__icontains=word)
                | Q(eligibility__icontains=word) | Q(agency__name__icontains=word)
            )
    if need:
        services = services.filter(needs__contains=[need])
    if area:
        services = services.filter(area__iexact=area)
    if kind:
        services = services.filter(agency__kind=kind)
    if agency_id:
        services = services.filter(agency_id=agency_id)
    if accepting_only:
        services = services.filter(accepting_referrals=True)
    return services


def service_get(*, actor: Actor | None, service_id: object) -> Service:
    try:
        return service_list(actor=actor).get(pk=service_id)
    except (Service.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such service") from exc


def service_list_for_admin(*, actor: Actor | None) -> QuerySet[Service]:
    """The acting agency's own services, active or not, for its agency admins."""
    if actor is None or actor.role != Role.AGENCY_ADMIN:
        return Service.objects.none()
    return Service.objects.filter(agency_id=actor.agency_id).order_by("-active", "name")
