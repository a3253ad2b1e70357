"""One person, two records over the API: link them (and undo it) or merge them.

``POST /api/v1/person-links/`` links two records as the same person; ``POST
/api/v1/person-links/{id}/undo/`` undoes it; ``POST /api/v1/person-merges/`` merges one record
into another. A record the caller may not see answers 404; a caller who may see both but is not
a manager of an agency answerable for both, 403; a refused merge (restricted flags differ,
dates of birth differ without a reason), 400 naming the field; a merged record, 409.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.agencies.actor import Actor
from apps.core.api.fields import TextField
from apps.core.api.viewsets import ScopedGenericViewSet
from apps.people.identity_services import person_link, person_merge, person_unlink
from apps.people.models import PersonLink, PersonMerge
from apps.people.selectors import person_get, person_link_list, person_merge_list


class PersonLinkSerializer(serializers.ModelSerializer):
    linked_by_agency = serializers.UUIDField(source="linked_by_agency_id", read_only=True)

    class Meta:
        model = PersonLink
        fields = ["id", "person", "other", "reason", "linked_by_agency", "created_at",
                  "unlinked_at"]
        read_only_fields = fields


class PersonLinkCreateSerializer(serializers.Serializer):
    person = serializers.UUIDField()
    other = serializers.UUIDField()
    reason = TextField(help_text="Why the two records are the same person.")


class PersonMergeSerializer(serializers.ModelSerializer):
    merged_by_agency = serializers.UUIDField(source="merged_by_agency_id", read_only=True)

    class Meta:
        model = PersonMerge
        fields = ["id", "survivor", "merged", "reason", "date_of_birth_reason", "moved",
                  "merged_by_agency", "created_at"]
        read_only_fields = fields


class PersonMergeCreateSerializer(serializers.Serializer):
    survivor = serializers.UUIDField(help_text="The record that stays.")
    merged = serializers.UUIDField(help_text="The record merged into it (kept as a pointer).")
    reason = TextField(help_text="Why the two records are the same person.")
    date_of_birth_reason = TextField(required=False, allow_blank=True, default="",
                                     help_text="Needed when both have a date of birth and "
                                               "they differ: which is right and why.")


class PersonLinkViewSet(ScopedGenericViewSet):
    """Links between two records of the same person, both of which the caller may see."""

    serializer_class = PersonLinkSerializer

    def selector_queryset(self, actor: Actor | None) -> QuerySet[PersonLink]:
        return person_link_list(actor=actor)

    @extend_schema(request=PersonLinkCreateSerializer, responses={201: PersonLinkSerializer})
    def create(self, request: Request) -> Response:
        actor = self.require_actor()
        incoming = PersonLinkCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        link = person_link(actor=actor, person=person_get(actor=actor, person_id=data["person"]),
                           other=person_get(actor=actor, person_id=data["other"]),
                           reason=data["reason"])
        return Response(PersonLinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: PersonLinkSerializer})
    @action(detail=True, methods=["post"])
    def undo(self, request: Request, pk: str | None = None) -> Response:
        link = person_unlink(actor=self.require_actor(), link=self.get_object())
        return Response(PersonLinkSerializer(link).data)


class PersonMergeViewSet(ScopedGenericViewSet):
    """Merge one record of a person into another."""

    serializer_class = PersonMergeSerializer

    def selector_queryset(self, actor: Actor | None) -> QuerySet[PersonMerge]:
        return person_merge_list(actor=actor)

    @extend_schema(request=PersonMergeCreateSerializer, responses={201: PersonMergeSerializer})
    def create(self, request: Request) -> Response:
        actor = self.require_actor()
        incoming = PersonMergeCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        merge = person_merge(
            actor=actor, survivor=person_get(actor=actor, person_id=data["survivor"]),
            merged=person_get(actor=actor, person_id=data["merged"]), reason=data["reason"],
            date_of_birth_reason=data["date_of_birth_reason"])
        return Response(PersonMergeSerializer(merge).data, status=status.HTTP_201_CREATED)
