from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Subquery


def permission_id(*, app_label: str, model: str, codename: str) -> Subquery:
    """A permission's id as a scalar subquery (an InitPlan run once per query).

    Joining auth_permission and django_content_type inside a grant subquery instead makes
    PostgreSQL estimate a handful of grants for an agency that holds hundreds of thousands,
    and hash them all on every request (see docs/performance.md)."""
    return Subquery(Permission.objects.filter(
        codename=codename, content_type__app_label=app_label, content_type__model=model,
    ).values("id")[:1])
