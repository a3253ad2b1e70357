"""Read-only services directory API: /api/v1/services/?q=&kind=&area=&need=&accepting=1."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from apps.agencies.models import Service
from apps.agencies.service_selectors import service_list
from apps.core.api.actor import actor_or_404


class ServiceSerializer(serializers.ModelSerializer):
    agency = serializers.SerializerMethodField()

    class Meta:
        model = Service
        fields = ["id", "name", "agency", "description", "eligibility", "referral_criteria",
                  "needs", "area", "response_target_hours", "accepting_referrals",
                  "capacity_note", "waiting_time_days", "capacity_updated_at", "published"]

    def get_agency(self, service: Service) -> dict:
        return {"id": str(service.agency_id), "name": service.agency.name,
                "kind": service.agency.kind}


class ServiceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ServiceSerializer
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        params = self.request.query_params
        return service_list(
            actor=actor_or_404(self.request), q=params.get("q", "")[:100],
            need=params.get("need", ""), area=params.get("area", ""),
            kind=params.get("kind", ""),
            accepting_only=params.get("accepting", "") in {"1", "true", "yes"},
        )
