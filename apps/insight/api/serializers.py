from __future__ import annotations

from rest_framework import serializers


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField()),
        help_text='Each row: the group label, then one figure per column. A figure is a '
                  'number, null (nothing to show) or "suppressed" (a count under 5, or one '
                  'that would reveal one).')
    note = serializers.CharField(allow_blank=True)


class ReportSerializer(serializers.Serializer):
    scope = serializers.CharField(help_text="Whose figures: the agency, or the partnership.")
    period_start = serializers.DateField(help_text="The first day of the first month counted.")
    period_end = serializers.DateField(help_text="The last day of the last month counted.")
    as_of = serializers.DateTimeField(
        allow_null=True, help_text="When the figures were computed (the nightly summary); "
                                   "null before the first computation.")
    tables = TableSerializer(many=True)


class MaracReturnSerializer(serializers.Serializer):
    area = serializers.CharField()
    quarter = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    tables = TableSerializer(many=True)
