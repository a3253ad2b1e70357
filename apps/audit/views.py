from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from apps.agencies.decorators import actor_required
from apps.audit import selectors, wording
from apps.audit.forms import AccessLogFilterForm
from apps.audit.models import AccessEvent
from apps.cases.selectors import case_get
from apps.core.csv_export import csv_safe_writer
from apps.core.pagination import Page, keyset_page

PAGE_SIZE = 50
CSV_LIMIT = 100_000


def _require_auditor(request: HttpRequest) -> None:
    if not selectors.can_read_audit(actor=request.actor):
        raise Http404("No such page")


def _page(request: HttpRequest, events: QuerySet[AccessEvent]) -> Page:
    """Newest first, a page at a time (the shared keyset paginator; ``?before=`` is its
    cursor, and one it did not hand out answers 400), each event labelled in plain words
    (one more query when older rows name a MARAC meeting by id)."""
    page = keyset_page(events, ordering=("-id",), cursor=request.GET.get("before"),
                       page_size=PAGE_SIZE)
    ids = wording.meeting_ids([event.basis for event in page.items])
    meetings = selectors.meeting_names(meeting_ids=ids) if ids else {}
    wording.label_events(page.items, meetings=meetings)
    return page


@actor_required
def case_access(request: HttpRequest, case_id: str) -> HttpResponse:
    """Who accessed this record: for admins and auditors of an agency that can see the case."""
    _require_auditor(request)
    case = case_get(actor=request.actor, case_id=case_id)
    page = _page(request, selectors.case_access_events(actor=request.actor, case=case))
    return render(request, "audit/case_access.html",
                  {"case": case, "events": page.items, "next_before": page.next_cursor})


def _csv_rows(events: Iterator[AccessEvent]) -> Iterator[str]:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv_safe_writer(Echo())
    yield writer.writerow(["time", "username", "agency", "action", "object", "case",
                           "channel", "basis"])
    for event in events:
        yield writer.writerow([
            event.at.isoformat(), event.user.username if event.user else "system",
            event.agency.name if event.agency else "", event.action, event.object_type,
            event.case.reference if event.case else "", event.channel, event.basis,
        ])


@actor_required
def access_log(request: HttpRequest) -> HttpResponse:
    """The acting agency's access log, searchable, with CSV export."""
    _require_auditor(request)
    form = AccessLogFilterForm(request.GET or None)
    filters = selectors.AccessLogFilters(**(form.cleaned_data if form.is_valid() else {}))
    if request.GET.get("format") == "csv" and form.is_valid():
        events = selectors.agency_access_log(actor=request.actor, filters=filters)[:CSV_LIMIT]
        response = StreamingHttpResponse(_csv_rows(events.iterator(chunk_size=2000)),
                                         content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="access-log.csv"'
        return response
    page = _page(request, selectors.agency_access_log(actor=request.actor, filters=filters))
    query = request.GET.copy()
    query.pop("before", None)
    query.pop("format", None)
    return render(request, "audit/access_log.html", {
        "form": form, "events": page.items, "next_before": page.next_cursor,
        "query": query.urlencode(),
    }, status=400 if form.errors else 200)
