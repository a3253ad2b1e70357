from __future__ import annotations

from rest_framework import serializers

from apps.agencies.models import Agency


class AgencySerializer(serializers.ModelSerializer):
    """An entry in the directory of agencies (no staff, no cases)."""

    class Meta:
        model = Agency
        fields = ["id", "name", "kind", "sector", "charity_number", "company_number", "ods_code"]
        read_only_fields = fields
