"""The agency admin's ORUK import pages: read a feed, review each service, apply or reject.

Other roles (and other agencies' rows) answer 404. Reads via ``import_selectors``, writes via
``import_services``."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.agencies.decorators import actor_required
from apps.core.exceptions import ServiceError
from apps.core.forms import add_service_error
from apps.interop.oruk import import_selectors, import_services, importer
from apps.interop.oruk.import_forms import ApplyForm, FeedForm


def _admin_only(request: HttpRequest) -> None:
    if not request.actor.is_agency_admin:
        raise Http404("No such page")


def _read(form: FeedForm) -> tuple[str, importer.Feed]:
    upload = form.cleaned_data.get("file")
    if upload:
        return upload.name, importer.parse(upload.read())
    url = form.cleaned_data["url"]
    return url, importer.fetch(url)


@actor_required
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    posted = request.method == "POST"
    form = FeedForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            source, feed = _read(form)
            result = import_services.oruk_stage(actor=request.actor,
                                                agency=request.actor.agency,
                                                source=source, feed=feed)
        except importer.FeedError as error:
            form.add_error("file" if form.cleaned_data.get("file") else "url", str(error))
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, (
                f"Read {result.new + result.updated + result.unchanged} services: "
                f"{result.new} new, {result.updated} changed, {result.unchanged} unchanged. "
                "Review them below before they go live."))
            for problem in result.problems[:10]:
                messages.warning(request, f"Skipped: {problem}")
            return redirect("oruk_import:list")
    return render(request, "interop/oruk_import_list.html", {
        "form": form, "staged": list(import_selectors.staged_pending(actor=request.actor)),
    }, status=400 if form.errors else 200)


@actor_required
def import_review(request: HttpRequest, staged_id: str) -> HttpResponse:
    _admin_only(request)
    staged = import_selectors.staged_get(actor=request.actor, staged_id=staged_id)
    return _review(request, staged, ApplyForm())


def _review(request: HttpRequest, staged, form: ApplyForm, status: int = 200) -> HttpResponse:
    return render(request, "interop/oruk_import_review.html", {
        "staged": staged, "form": form,
        "changes": import_selectors.staged_changes(staged=staged),
    }, status=status)


@actor_required
@require_POST
def import_apply(request: HttpRequest, staged_id: str) -> HttpResponse:
    _admin_only(request)
    staged = import_selectors.staged_get(actor=request.actor, staged_id=staged_id)
    form = ApplyForm(request.POST)
    form.is_valid()
    try:
        service = import_services.oruk_apply(
            actor=request.actor, staged=staged,
            overwrite_local_edits=form.cleaned_data.get("overwrite_local_edits", False))
    except ServiceError as error:
        add_service_error(form, error)
        return _review(request, staged, form, status=400)
    messages.success(request, f"{service.name} is now in your directory.")
    return redirect("oruk_import:list")


@actor_required
@require_POST
def import_reject(request: HttpRequest, staged_id: str) -> HttpResponse:
    _admin_only(request)
    staged = import_selectors.staged_get(actor=request.actor, staged_id=staged_id)
    import_services.oruk_reject(actor=request.actor, staged=staged)
    messages.success(request, f"{staged.values.get('name', 'The service')} was not imported.")
    return redirect("oruk_import:list")
