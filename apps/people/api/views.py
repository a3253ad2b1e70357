from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.agencies.actor import Actor
from apps.audit.services import access_record
from apps.core.api.viewsets import ScopedGenericViewSet
from apps.people.api.serializers import PersonCreateSerializer, PersonSerializer
from apps.people.models import Person
from apps.people.selectors import (
    person_find_duplicates,
    person_list,
    with_contact_visibility,
)
from apps.people.services import person_create

PossibleMatches = inline_serializer("PossibleMatches", fields={
    "detail": serializers.CharField(),
    "possible_matches": serializers.ListField(child=serializers.UUIDField()),
})


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    ScopedGenericViewSet):
    """People on the cases the acting agency may see, and the people it recorded.

    There is no name search here: names must not appear in URLs."""

    serializer_class = PersonSerializer

    def selector_queryset(self, actor: Actor | None) -> QuerySet[Person]:
        people = person_list(actor=actor)
        return with_contact_visibility(people, actor=actor) if actor else people

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        person = self.get_object()
        access_record(actor=self.actor, object_type="person", object_id=person.pk,
                      action="view")
        return Response(self.get_serializer(person).data)

    @extend_schema(request=PersonCreateSerializer, responses={
        201: PersonSerializer,
        409: OpenApiResponse(PossibleMatches, description="Possible matches: check them, then "
                             "link an existing person or re-send with confirm_new."),
    })
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        actor = self.require_actor()
        incoming = PersonCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        confirm_new = data.pop("confirm_new", False)
        if not confirm_new:
            matches = person_find_duplicates(
                actor=actor, given_name=data["given_name"], family_name=data["family_name"],
                date_of_birth=data.get("date_of_birth"),
                postcode=data.get("postcode") or "")
            if matches:
                return Response({
                    "detail": "Someone with these details may already be on record.",
                    "possible_matches": [str(p.pk) for p in matches],
                }, status=status.HTTP_409_CONFLICT)
        try:
            with transaction.atomic():
                person = person_create(actor=actor, data=data)
                access_record(actor=actor, object_type="person", object_id=person.pk,
                              action="create")
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        fresh = self.get_queryset().get(pk=person.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)
