"""Teams API: /api/v1/teams/ (the acting agency's teams, their members and the services they
handle). Read-only; any member of the agency may read them. Teams change in the browser."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers

from apps.agencies.actor import Actor
from apps.agencies.models import Team
from apps.agencies.team_selectors import team_list_detailed
from apps.core.api.viewsets import ScopedReadOnlyViewSet


class TeamMemberSerializer(serializers.Serializer):
    membership = serializers.UUIDField(source="pk")
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.get_full_name")
    role = serializers.CharField()


class TeamServiceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class TeamSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField()
    members = TeamMemberSerializer(many=True, source="active_members")
    services = TeamServiceSerializer(many=True, source="handled_services")

    class Meta:
        model = Team
        fields = ["id", "name", "member_count", "members", "services"]
        read_only_fields = fields


class TeamViewSet(ScopedReadOnlyViewSet):
    """The acting agency's teams: members, and the services whose referrals they receive."""

    serializer_class = TeamSerializer  # paged newest first, as every list

    def selector_queryset(self, actor: Actor | None) -> QuerySet[Team]:
        return team_list_detailed(actor=actor)
