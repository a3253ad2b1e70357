from __future__ import annotations

from django.db.models import QuerySet

from apps.agencies.actor import Actor
from apps.agencies.api.serializers import AgencySerializer
from apps.agencies.models import Agency
from apps.agencies.selectors import agency_list
from apps.core.api.viewsets import ScopedReadOnlyViewSet


class AgencyViewSet(ScopedReadOnlyViewSet):
    """The directory of active agencies, shared by every member of any agency."""

    serializer_class = AgencySerializer

    def selector_queryset(self, actor: Actor | None) -> QuerySet[Agency]:
        if actor is None:
            return Agency.objects.none()
        return agency_list()
