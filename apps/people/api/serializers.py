from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers

from apps.core.api.fields import CharField, DateField, TextField
from apps.people.models import Person
from apps.people.services import PERSON_FIELDS

ADDRESS_FIELDS = ("address_line_1", "address_line_2", "town", "postcode")


class PersonSerializer(serializers.ModelSerializer):
    """A person as the acting agency may see them.

    A restricted address is held back from agencies that neither recorded the person nor lead
    a case about them: the address fields are then null and ``address_visible`` is false.
    Querysets must be annotated with ``address_shown`` (see ``people.api.views``), or the
    serializer must be given ``address_visible`` in its context for a single object.
    """

    created_by_agency = serializers.UUIDField(source="created_by_agency_id", read_only=True)
    address_visible = serializers.SerializerMethodField()
    # Blank when not recorded (a blank string is not an "email" in the schema's terms).
    email = serializers.CharField(read_only=True)
    # Null when the address is restricted and withheld from the caller.
    address_line_1 = serializers.CharField(read_only=True, allow_null=True)
    address_line_2 = serializers.CharField(read_only=True, allow_null=True)
    town = serializers.CharField(read_only=True, allow_null=True)
    postcode = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = ["id", *PERSON_FIELDS, "address_visible", "created_by_agency", "created_at",
                  "updated_at"]
        read_only_fields = fields

    def _shown(self, person: Person) -> bool:
        shown = getattr(person, "address_shown", None)
        if shown is None:
            shown = self.context.get("address_visible", False)
        return bool(shown) or not person.address_restricted

    def get_address_visible(self, person: Person) -> bool:
        return self._shown(person)

    def to_representation(self, instance: Person) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self._shown(instance):
            for name in ADDRESS_FIELDS:
                data[name] = None
        return data


class PersonCreateSerializer(serializers.ModelSerializer):
    """A new person record. Possible matches are refused (409) unless ``confirm_new``."""

    # The shared input limits: text fields name themselves in length errors, free text is
    # at most 10,000 characters, a date of birth is between 1900 and today.
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.CharField: CharField, models.TextField: TextField}
    date_of_birth = DateField(kind="birth", required=False, allow_null=True)
    confirm_new = serializers.BooleanField(
        required=False, default=False, write_only=True,
        help_text="Set after checking the possible matches: record a new person anyway.")

    class Meta:
        model = Person
        fields = [*PERSON_FIELDS, "confirm_new"]
