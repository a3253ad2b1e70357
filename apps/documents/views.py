from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.agencies.decorators import actor_required
from apps.audit.services import access_record
from apps.cases import policy
from apps.cases.selectors import case_get
from apps.core.exceptions import ServiceError
from apps.core.forms import add_service_error
from apps.documents import selectors, services
from apps.documents.forms import DocumentForm
from apps.documents.middleware import raw_file_name
from apps.documents.storage import document_storage


def _visible_case(request: HttpRequest, case_id: str):
    case = case_get(actor=request.actor, case_id=case_id)
    policy.require_see_section(actor=request.actor, case=case, section="chronology")
    return case


@actor_required
@require_http_methods(["GET", "POST"])
def document_list(request: HttpRequest, case_id: str) -> HttpResponse:
    """The case's documents, and (for an agency that may add to the case) the upload form."""
    case = _visible_case(request, case_id)
    may_add = policy.may_add_document(actor=request.actor, case=case)
    form = DocumentForm()
    status = 200
    if request.method == "POST":
        if not may_add:
            policy.require_add_document(actor=request.actor, case=case, hide=True)
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.document_upload(
                    actor=request.actor, case=case, upload=upload, filename=raw_file_name(upload),
                    title=form.cleaned_data["title"],
                    visibility=form.cleaned_data["visibility"])
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Document added. It can be opened once the virus "
                                          "scan has passed.")
                return redirect("documents:list", case_id=case.pk)
        status = 400
    documents = list(selectors.document_list(actor=request.actor, case=case)[:200])
    access_record(actor=request.actor, object_type="case_documents", object_id=case.pk,
                  case_id=case.pk, action="view")
    return render(request, "documents/document_list.html", {
        "case": case, "documents": documents, "form": form, "may_add": may_add,
    }, status=status)


@actor_required
def document_download(request: HttpRequest, case_id: str, document_id: str) -> HttpResponse:
    """The file, as an attachment, only once scanned clean; audited like a read."""
    case = _visible_case(request, case_id)
    document = selectors.document_get_servable(actor=request.actor, case=case,
                                               document_id=document_id)
    services.document_download_record(actor=request.actor, document=document)
    return attachment_response(document)


def attachment_response(document: object) -> FileResponse:
    response = FileResponse(document_storage().open(document.storage_key, "rb"),
                            as_attachment=True, filename=document.filename,
                            content_type=document.content_type)
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
