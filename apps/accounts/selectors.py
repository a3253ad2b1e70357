from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.models import ApiToken


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(membership__user=user).select_related(
        "membership__agency").order_by("-created_at")


def api_token_get(*, user: User, token_id: str) -> ApiToken:
    try:
        return api_token_list(user=user).get(pk=token_id)
    except (ApiToken.DoesNotExist, ValueError) as exc:
        raise Http404("No such token") from exc
