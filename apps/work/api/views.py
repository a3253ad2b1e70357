"""``GET /api/v1/work/``: the caller's work tray, grouped as on the home page."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.actor import actor_or_404
from apps.core.api.viewsets import ScopedGenericViewSet
from apps.work.caseload import worker_loads, workers
from apps.work.selectors import BUCKETS, ITEM_LIMIT, KINDS, tray


class WorkItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(KINDS.items()))
    label = serializers.CharField()
    title = serializers.CharField(help_text="What to do; references only, no personal data.")
    due = serializers.DateField()
    overdue = serializers.BooleanField()
    url = serializers.CharField(help_text="The page where it is done.")
    owner = serializers.CharField(help_text="Whose it is: you, your team or your agency.")
    detail = serializers.CharField()


class WorkTraySerializer(serializers.Serializer):
    overdue = WorkItemSerializer(many=True)
    today = WorkItemSerializer(many=True)
    week = WorkItemSerializer(many=True)
    later = WorkItemSerializer(many=True)
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="Items of each kind.")
    truncated = serializers.ListField(
        child=serializers.CharField(),
        help_text=f"Kinds with more than {ITEM_LIMIT} items: only the first are listed.")


class WorkTrayView(APIView):
    """Everything waiting on the caller or their team, by when it is due (a fixed number of
    queries whatever the size of the data)."""

    @extend_schema(responses=WorkTraySerializer, operation_id="work_tray")
    def get(self, request: Request) -> Response:
        work = tray(actor=actor_or_404(request))
        data = {key: WorkItemSerializer(work.buckets.get(key, []), many=True).data
                for key, _label in BUCKETS}
        data["counts"] = {kind: work.count(kind) for kind in KINDS}
        data["truncated"] = sorted(work.more)
        return Response(data)


class LoadSerializer(serializers.Serializer):
    open_cases = serializers.IntegerField()
    key_worker_cases = serializers.IntegerField()
    open_actions = serializers.IntegerField()
    overdue_actions = serializers.IntegerField()
    referrals_awaiting = serializers.IntegerField()
    oldest_referral = serializers.DateTimeField(allow_null=True)


class CaseloadSerializer(serializers.Serializer):
    membership = serializers.UUIDField(source="pk")
    user = serializers.IntegerField(source="user_id")
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.get_full_name")
    role = serializers.CharField()
    team = serializers.CharField(source="team.name", default=None)
    load = serializers.SerializerMethodField()

    @extend_schema_field(LoadSerializer)
    def get_load(self, membership) -> dict:
        return LoadSerializer(self.context["loads"][membership.user_id]).data


class CaseloadViewSet(ScopedGenericViewSet, mixins.ListModelMixin):
    """Caseload per worker of the acting agency, for its managers (anyone else gets an empty
    list): open cases, cases as key worker, open and overdue actions, referrals awaiting
    decision and the oldest of them. Paged newest membership first (the default keyset on
    (created_at, id))."""

    serializer_class = CaseloadSerializer

    def selector_queryset(self, actor):
        return workers(actor=actor)

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        loads = worker_loads(actor=self.actor, memberships=page)
        data = CaseloadSerializer(page, many=True, context={"loads": loads}).data
        return self.get_paginated_response(data)
