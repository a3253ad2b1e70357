"""Documents in the browser (server-rendered, works without JavaScript)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.cases.services import involvement_add
from apps.documents import services
from apps.documents.models import Document
from tests.conftest import client_for
from tests.documents.conftest import stored_files
from tests.documents.helpers import multipart, pdf_bytes, windows_program
from tests.factories import actor_of

pytestmark = pytest.mark.django_db


def _page(case) -> str:
    return f"/cases/{case.pk}/documents/"


def test_practitioner_uploads_a_consent_form_and_the_case_page_lists_it(
        world, shared_case, clamd, document_root):
    client = client_for(world.partner_practitioner)
    page = client.get(_page(shared_case))
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.content
    response = client.post(_page(shared_case), {
        "title": "Signed consent form", "visibility": "shared",
        "file": SimpleUploadedFile("consent.pdf", pdf_bytes())})
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.filename == "consent.pdf" and document.uploaded_by == (
        world.partner_practitioner.user)
    case_page = client.get(f"/cases/{shared_case.pk}/")
    assert b"Signed consent form" in case_page.content
    assert b"Awaiting virus scan" in case_page.content
    services.document_scan(document_id=document.pk)
    lead_page = client_for(world.lead_practitioner).get(f"/cases/{shared_case.pk}/")
    download = f"/cases/{shared_case.pk}/documents/{document.pk}/download/"
    assert download.encode() in lead_page.content
    response = client_for(world.lead_practitioner).get(download)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="consent.pdf"'
    assert "no-store" in response["Cache-Control"]


def test_form_lists_every_error_at_once_and_stores_nothing(world, shared_case, document_root):
    client = client_for(world.partner_practitioner)
    response = client.post(_page(shared_case), {"title": "", "visibility": "shared"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert "Enter what the document is." in content and "Choose a file to upload." in content
    response = client.post(_page(shared_case), {
        "title": "Form", "visibility": "shared",
        "file": SimpleUploadedFile("form.pdf", windows_program())})
    assert response.status_code == 400
    assert "The file is a program" in response.content.decode()
    assert not Document.objects.exists() and stored_files(document_root) == []


def test_a_path_in_the_file_name_is_refused_in_the_browser_too(world, shared_case,
                                                                document_root):
    client = client_for(world.partner_practitioner)
    client.get(_page(shared_case))
    body, content_type = multipart(name="..\\..\\consent.pdf", data=pdf_bytes(),
                                   title="Consent", visibility="shared",
                                   csrfmiddlewaretoken="x")
    client = client_for(world.partner_practitioner)
    client.handler.enforce_csrf_checks = False
    response = client.generic("POST", _page(shared_case), body, content_type=content_type)
    assert response.status_code == 400
    assert "must not contain / or \\" in response.content.decode()
    assert not Document.objects.exists()


def test_outsider_and_marac_only_agency_get_404(world, shared_case, document_root, clamd):
    client = client_for(world.partner_practitioner)
    client.post(_page(shared_case), {"title": "Consent", "visibility": "shared",
                                     "file": SimpleUploadedFile("c.pdf", pdf_bytes())})
    document = Document.objects.get()
    services.document_scan(document_id=document.pk)
    download = f"/cases/{shared_case.pk}/documents/{document.pk}/download/"
    outsider = client_for(world.outsider_practitioner)
    assert outsider.get(_page(shared_case)).status_code == 404
    assert outsider.get(download).status_code == 404
    involvement_add(actor=actor_of(world.lead_manager), case=shared_case,
                    agency=world.outsider, basis="Listed at MARAC.", role="marac")
    case_page = outsider.get(f"/cases/{shared_case.pk}/")
    assert case_page.status_code == 200 and str(document.pk).encode() not in case_page.content
    assert b'id="documents"' not in case_page.content
    assert outsider.get(_page(shared_case)).status_code == 404
    assert outsider.get(download).status_code == 404
    response = outsider.post(_page(shared_case), {
        "title": "X", "visibility": "shared", "file": SimpleUploadedFile("x.pdf", pdf_bytes())})
    assert response.status_code == 404
    assert Document.objects.count() == 1
