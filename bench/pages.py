"""What is measured: each page's URL, its main query (through the real selector) and a bare-SQL
lower bound of that query. Shared by ``make bench`` and the regression guard in tests/perf/."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import Resolver404, resolve

from apps.agencies.actor import Actor
from apps.core.db import joins_as_written

PAGE_ROWS = 26  # a page of 25 plus one to know whether there is a next page

# Tables that grow with the data set: the main query of a page must never scan them whole.
# (cases_caseuserobjectpermission holds only restricted-case and emergency grants, and users
# and memberships number in the tens of thousands at most: at the guard's scale they are a
# few hundred rows, where a sequential scan feeding a hash join is the right plan.)
LARGE_TABLES = frozenset({
    "cases_case", "cases_involvement", "cases_casegroupobjectpermission",
    "cases_caseperson", "people_person",
    "referrals_referral", "referrals_referralgroupobjectpermission",
    "notifications_notification", "audit_accessevent",
})


@dataclass(frozen=True)
class PageSpec:
    name: str
    url: Callable[[int], str]  # request number -> path
    api: bool
    main_query: Callable[[], QuerySet]
    bound_sql: str
    bound_params: Callable[[int], list]
    as_written: bool = False  # the page plans the main query's joins as written


def _explain(queryset: QuerySet, options: str, *, as_written: bool) -> object:
    sql, params = queryset.query.sql_with_params()
    with ExitStack() as stack:
        if as_written:
            stack.enter_context(joins_as_written())
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ({options}) {sql}", params)
            return cursor.fetchall()


def url_exists(path: str) -> bool:
    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return True


def page_specs(*, actor: Actor, case_ids: list) -> list[PageSpec]:
    """The measured pages for one actor. ``case_ids`` are cases the actor may see (the case
    page cycles through them so that no single row stays hot)."""
    from apps.cases.selectors import MyWorkFilters, case_list, case_list_filtered
    from apps.notifications.selectors import notification_list
    from apps.referrals.selectors import LIST_RELATED, inbox_queryset, referral_list

    agency_id, user_id = actor.agency_id, actor.user.pk

    def my_work_qs() -> QuerySet:
        return case_list(actor=actor).select_related("subject", "lead_agency").order_by(
            "-last_activity_at", "-pk")[:PAGE_ROWS]

    def case_qs() -> QuerySet:
        return case_list(actor=actor).select_related("subject", "lead_agency").filter(
            pk=case_ids[0])

    def inbox_qs() -> QuerySet:
        return inbox_queryset(actor=actor, tab="new").order_by("-submitted_at", "-pk")[:PAGE_ROWS]

    def api_inbox_qs() -> QuerySet:  # the API pages every list on (created_at, id)
        return inbox_queryset(actor=actor, tab="new").order_by("-created_at", "-pk")[:PAGE_ROWS]

    def outgoing_qs() -> QuerySet:  # as referrals.selectors.outgoing reads it
        return referral_list(actor=actor).filter(from_agency_id=agency_id).select_related(
            None).select_related(*LIST_RELATED).order_by("-created_at", "-pk")[:PAGE_ROWS]

    def my_work_filtered_qs() -> QuerySet:  # a filter that matches few of the agency's rows
        return case_list_filtered(actor=actor, filters=MyWorkFilters(
            status="closed", risk_level="high")).order_by("-last_activity_at", "-pk")[:PAGE_ROWS]

    def awaiting_qs() -> QuerySet:
        return inbox_queryset(actor=actor, tab="awaiting").order_by(
            "-submitted_at", "-pk")[:PAGE_ROWS]

    def outgoing_declined_qs() -> QuerySet:
        return referral_list(actor=actor).filter(
            from_agency_id=agency_id, status="declined").select_related(None).select_related(
            *LIST_RELATED).order_by("-created_at", "-pk")[:PAGE_ROWS]

    def api_outgoing_qs() -> QuerySet:
        return referral_list(actor=actor).filter(from_agency_id=agency_id).order_by(
            "-created_at", "-pk")[:PAGE_ROWS]

    def notifications_qs() -> QuerySet:
        return notification_list(actor=actor)[:PAGE_ROWS]

    my_work_sql = """
SELECT c.id, c.reference, c.status, c.risk_level, c.last_activity_at, p.given_name,
       p.family_name, p.date_of_birth, a.name
FROM cases_case c
JOIN cases_involvement i ON i.case_id = c.id AND i.agency_id = %s AND i.ended_at IS NULL
JOIN people_person p ON p.id = c.subject_id
JOIN agencies_agency a ON a.id = c.lead_agency_id
ORDER BY c.last_activity_at DESC, c.id DESC LIMIT 26"""
    my_work_filtered_sql = my_work_sql.replace(
        "ORDER BY", "WHERE c.status = 'closed' AND c.risk_level = 'high'\nORDER BY")
    case_sql = """
SELECT c.*, p.* FROM cases_case c JOIN people_person p ON p.id = c.subject_id
WHERE c.id = %s AND EXISTS (SELECT 1 FROM cases_involvement i WHERE i.case_id = c.id
  AND i.agency_id = %s AND i.ended_at IS NULL)"""
    inbox_sql = """
SELECT r.*, c.reference FROM referrals_referral r JOIN cases_case c ON c.id = r.case_id
WHERE r.to_agency_id = %s AND r.status = 'submitted' AND r.seen_at IS NULL
ORDER BY r.submitted_at DESC, r.id DESC LIMIT 26"""
    outgoing_sql = """
SELECT r.*, c.reference FROM referrals_referral r JOIN cases_case c ON c.id = r.case_id
WHERE r.from_agency_id = %s ORDER BY r.created_at DESC, r.id DESC LIMIT 26"""
    awaiting_sql = """
SELECT r.*, c.reference FROM referrals_referral r JOIN cases_case c ON c.id = r.case_id
WHERE r.to_agency_id = %s AND ((r.status = 'submitted' AND r.seen_at IS NOT NULL)
  OR r.status = 'info_requested')
ORDER BY r.submitted_at DESC, r.id DESC LIMIT 26"""
    outgoing_declined_sql = outgoing_sql.replace(
        "WHERE r.from_agency_id = %s", "WHERE r.from_agency_id = %s AND r.status = 'declined'")
    notifications_sql = """
SELECT n.* FROM notifications_notification n WHERE n.recipient_id = %s AND n.agency_id = %s
ORDER BY n.created_at DESC, n.id DESC LIMIT 26"""

    def case_url(k: int) -> str:
        return f"/cases/{case_ids[k % len(case_ids)]}/"

    specs = [
        PageSpec("my work", lambda k: "/cases/", False, my_work_qs, my_work_sql,
                 lambda k: [agency_id]),
        PageSpec("my work closed high", lambda k: "/cases/?status=closed&risk_level=high",
                 False, my_work_filtered_qs, my_work_filtered_sql, lambda k: [agency_id]),
        PageSpec("case page", case_url, False, case_qs, case_sql,
                 lambda k: [case_ids[k % len(case_ids)], agency_id]),
        PageSpec("referral inbox", lambda k: "/referrals/inbox/", False, inbox_qs, inbox_sql,
                 lambda k: [agency_id]),
        PageSpec("inbox awaiting", lambda k: "/referrals/inbox/awaiting/", False, awaiting_qs,
                 awaiting_sql, lambda k: [agency_id]),
        PageSpec("outgoing referrals", lambda k: "/referrals/outgoing/", False, outgoing_qs,
                 outgoing_sql, lambda k: [agency_id], as_written=True),
        PageSpec("outgoing declined", lambda k: "/referrals/outgoing/?status=declined", False,
                 outgoing_declined_qs, outgoing_declined_sql, lambda k: [agency_id],
                 as_written=True),
        PageSpec("notifications", lambda k: "/notifications/", False, notifications_qs,
                 notifications_sql, lambda k: [user_id, agency_id]),
        PageSpec("API cases", lambda k: "/api/v1/cases/", True, my_work_qs, my_work_sql,
                 lambda k: [agency_id]),
        PageSpec("API referral inbox", lambda k: "/api/v1/referrals/?box=inbox&tab=new", True,
                 api_inbox_qs, inbox_sql.replace("submitted_at", "created_at"),
                 lambda k: [agency_id]),
        PageSpec("API outgoing referrals", lambda k: "/api/v1/referrals/?box=outgoing", True,
                 api_outgoing_qs, outgoing_sql, lambda k: [agency_id]),
        PageSpec("API notifications", lambda k: "/api/v1/notifications/", True,
                 notifications_qs, notifications_sql, lambda k: [user_id, agency_id]),
    ]
    specs += _standards_specs(actor=actor)
    specs += _work_specs(actor=actor)
    return [spec for spec in specs if url_exists(spec.url(0))]


def _work_specs(*, actor: Actor) -> list[PageSpec]:
    """Issue 13: the work tray (the home page) and its API; the main query is the referral
    queue (the largest of the tray's reads)."""
    from apps.referrals.selectors import referral_list
    from apps.work.selectors import ITEM_LIMIT, referral_queue

    def tray_qs() -> QuerySet:
        return (referral_list(actor=actor).filter(referral_queue(actor))
                .select_related(None).select_related("case", "to_service")
                .order_by("due_at", "pk")[:ITEM_LIMIT + 1])

    tray_sql = """
SELECT r.*, c.reference, s.name FROM referrals_referral r JOIN cases_case c ON c.id = r.case_id
LEFT JOIN agencies_service s ON s.id = r.to_service_id
WHERE r.to_agency_id = %s AND r.status = 'submitted' AND r.assigned_to_id = %s
ORDER BY r.due_at, r.id LIMIT 51"""
    params = lambda k: [actor.agency_id, actor.user.pk]  # noqa: E731
    return [PageSpec("work tray", lambda k: "/", False, tray_qs, tray_sql, params),
            PageSpec("API work tray", lambda k: "/api/v1/work/", True, tray_qs, tray_sql,
                     params)]


def _standards_specs(*, actor: Actor) -> list[PageSpec]:
    """Issue 15: the public ORUK service list and a FHIR ServiceRequest read.

    The ORUK list is cached for a minute in production; a no-op ``_k`` parameter gives every
    request its own cache key, so what is measured is the database path, not the cache. The
    FHIR read cycles through referrals the actor may see whose opening changes nothing, so
    every request runs the same queries."""
    from apps.interop.oruk.selectors import ServiceFilters, service_search
    from apps.referrals.selectors import referral_list

    nonce = uuid.uuid4().hex[:8]  # a fresh cache key per run and per request
    # Sent by the agency, or received and already opened: reading one changes nothing.
    referral_ids = list(referral_list(actor=actor)
                        .filter(Q(from_agency_id=actor.agency_id) | Q(seen_at__isnull=False))
                        .order_by("-created_at", "-pk").values_list("pk", flat=True)[:50])

    def oruk_qs() -> QuerySet:
        return service_search(filters=ServiceFilters())[:50]

    def fhir_qs() -> QuerySet:
        return referral_list(actor=actor).filter(pk=referral_ids[0])

    oruk_sql = """
SELECT s.*, a.* FROM agencies_service s JOIN agencies_agency a ON a.id = s.agency_id
WHERE s.published AND s.active AND a.active ORDER BY s.name, s.id LIMIT 50"""
    fhir_sql = """
SELECT r.*, c.reference, p.given_name, p.family_name FROM referrals_referral r
JOIN cases_case c ON c.id = r.case_id JOIN people_person p ON p.id = c.subject_id
WHERE r.id = %s"""
    specs = [PageSpec("ORUK service list", lambda k: f"/oruk/services?per_page=50&_k={nonce}-{k}",
                      True, oruk_qs, oruk_sql, lambda k: [])]
    if referral_ids:
        specs.append(PageSpec(
            "FHIR ServiceRequest read",
            lambda k: f"/api/fhir/ServiceRequest/{referral_ids[k % len(referral_ids)]}",
            True, fhir_qs, fhir_sql, lambda k: [referral_ids[k % len(referral_ids)]]))
    return specs


def plan_of(queryset: QuerySet, *, as_written: bool = False) -> dict:
    """The executed plan (EXPLAIN ANALYZE, JSON) of the queryset's SQL, planned as the page
    plans it (``as_written``: inside ``joins_as_written``)."""
    raw = _explain(queryset, "ANALYZE, FORMAT JSON", as_written=as_written)[0][0]
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]


def seq_scans(plan: dict, tables: frozenset[str] = LARGE_TABLES) -> list[str]:
    """The large tables the plan reads by sequential scan."""
    found: list[str] = []

    def walk(node: dict) -> None:
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in tables:
            found.append(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    return found


def plan_text(queryset: QuerySet, *, as_written: bool = False) -> str:
    rows = _explain(queryset, "ANALYZE, BUFFERS", as_written=as_written)
    return "\n".join(row[0] for row in rows)


def report_specs(*, actor: Actor) -> list[PageSpec]:
    """The report pages (apps/insight) for a manager: the referral funnel and equality
    monitoring over the last twelve months of the agency's referrals, sent or received. They
    read the nightly summary (apps/insight/summary.py), which the load builds; the bound is
    one of the grouped sums over it."""
    from apps.insight.filters import Filters, default_period, month_span
    from apps.insight.funnel import SummaryReferrals
    from apps.insight.scope import scope_get

    agency_id = actor.agency_id
    start, end = month_span(*default_period())

    def funnel_qs() -> QuerySet:
        source = SummaryReferrals(scope=scope_get(actor=actor, key="agency"),
                                  filters=Filters(start=start, end=end))
        from django.db.models import Sum

        return source.months.values("month").annotate(n=Sum("referrals")).order_by("month")

    funnel_sql = """
SELECT s.month, sum(s.referrals),
       sum(s.referrals) FILTER (WHERE s.status IN ('accepted', 'completed'))
FROM insight_referralmonth s
WHERE (s.from_agency_id = %s OR s.to_agency_id = %s) AND s.month >= %s AND s.month <= %s
GROUP BY 1 ORDER BY 1"""
    equality_sql = """
SELECT s.ethnic_group, s.gender, s.age, s.disabled, s.sexual_orientation, sum(s.total),
       sum(s.achieved)
FROM insight_outcomemonth s
WHERE s.outcome = 'referral' AND (s.agency_id = %s OR s.other_agency_id = %s)
  AND s.month >= %s AND s.month <= %s
GROUP BY 1, 2, 3, 4, 5"""

    def bound(k: int) -> list:
        return [agency_id, agency_id, start, end]

    from apps.work.caseload import workers

    def caseload_qs() -> QuerySet:
        return workers(actor=actor)[:50]

    caseload_sql = """
SELECT m.*, u.username FROM agencies_membership m JOIN auth_user u ON u.id = m.user_id
WHERE m.agency_id = %s AND m.ended_at IS NULL ORDER BY u.username, m.id LIMIT 51"""
    specs = [
        PageSpec("manager: caseload", lambda k: "/caseload/", False, caseload_qs,
                 caseload_sql, lambda k: [agency_id]),
        PageSpec("API manager: caseload", lambda k: "/api/v1/caseload/", True, caseload_qs,
                 caseload_sql, lambda k: [agency_id]),
        PageSpec("report: funnel", lambda k: "/reports/funnel/", False, funnel_qs, funnel_sql,
                 bound),
        PageSpec("report: equality", lambda k: "/reports/equality/", False, funnel_qs,
                 equality_sql, bound),
        PageSpec("API report: funnel", lambda k: "/api/v1/reports/funnel/", True, funnel_qs,
                 funnel_sql, bound),
        PageSpec("API report: equality", lambda k: "/api/v1/reports/equality/", True,
                 funnel_qs, equality_sql, bound),
    ]
    return [spec for spec in specs if url_exists(spec.url(0))]
