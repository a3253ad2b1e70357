"""One report = validated filters + scope + tables; shared by the pages and the API.

The funnel and equality monitoring read the nightly summary and say when it was computed
(``as_of``); the MARAC data return counts one area's quarter of agenda items, live."""

from __future__ import annotations

from typing import Any

from apps.agencies.actor import Actor
from apps.insight.equality import equality_tables
from apps.insight.filters import ReportFilterForm
from apps.insight.funnel import funnel_tables
from apps.insight.marac_return import marac_return_tables
from apps.insight.policy import require_see_reports
from apps.insight.scope import scope_get
from apps.insight.summary import figures_as_of


def funnel_report(*, actor: Actor, form: ReportFilterForm) -> dict[str, Any]:
    require_see_reports(actor=actor)
    if not form.is_valid():
        return {"tables": []}
    scope = scope_get(actor=actor, key=form.scope_key())
    filters = form.filters()
    return {"scope": scope, "filters": filters, "as_of": figures_as_of(),
            "tables": funnel_tables(scope=scope, filters=filters)}


def equality_report(*, actor: Actor, form: ReportFilterForm) -> dict[str, Any]:
    require_see_reports(actor=actor)
    if not form.is_valid():
        return {"tables": []}
    scope = scope_get(actor=actor, key=form.scope_key())
    filters = form.filters()
    outcome = form.cleaned_data.get("outcome") or "referral"
    return {"scope": scope, "filters": filters, "outcome": outcome, "as_of": figures_as_of(),
            "tables": equality_tables(outcome=outcome, scope=scope, filters=filters)}


def marac_return_report(*, form) -> dict[str, Any]:
    """``form``: a MaracReturnForm built with the areas the actor coordinates."""
    if not form.is_valid():
        return {"tables": []}
    area, quarter = form.cleaned_data["area"], form.cleaned_data["quarter"]
    return {"area": area, "quarter": quarter,
            "tables": marac_return_tables(area=area, quarter=quarter)}
