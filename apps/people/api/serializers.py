from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers

from apps.core.api.fields import CharField, DateField, TextField
from apps.people.models import Person
from apps.people.services import PERSON_FIELDS

ADDRESS_FIELDS = ("address_line_1", "address_line_2", "town", "postcode")
# The contact and location section (apps/cases/sections.py).
CONTACT_FIELDS = (*ADDRESS_FIELDS, "address_restricted", "phone", "email", "may_phone",
                  "may_text", "may_write", "may_leave_voicemail", "safe_times", "safe_word")


class PersonSerializer(serializers.ModelSerializer):
    """A person as the acting agency may see them (people.selectors.contact_visibility).

    Contact and location fields (address, phone, email, safe-contact arrangements) are
    omitted, and ``contact_visible`` is false, unless the acting agency recorded the person or
    its scope has the contact section on a case about them. A restricted address is also held
    back from agencies that neither recorded the person nor lead a case about them: the address
    fields are then null and ``address_visible`` is false. Querysets must be annotated with
    ``people.selectors.with_contact_visibility``.
    """

    created_by_agency = serializers.UUIDField(source="created_by_agency_id", read_only=True)
    contact_visible = serializers.SerializerMethodField(
        help_text="False when the contact and location section is not shared with the acting "
                  "agency: its fields are then omitted.")
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
        fields = ["id", *PERSON_FIELDS, "contact_visible", "address_visible",
                  "created_by_agency", "created_at", "updated_at"]
        read_only_fields = fields

    def _shown(self, person: Person) -> bool:
        return bool(getattr(person, "address_shown", False))

    def get_contact_visible(self, person: Person) -> bool:
        return bool(getattr(person, "contact_shown", False))

    def get_address_visible(self, person: Person) -> bool:
        return self._shown(person)

    def to_representation(self, instance: Person) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.get_contact_visible(instance):
            for name in CONTACT_FIELDS:
                data.pop(name, None)
        elif not self._shown(instance):
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
