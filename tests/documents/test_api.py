"""Documents over the API: upload, refusals (nothing half-stored), scope, download."""

from __future__ import annotations

import pytest

from apps.audit.models import AccessEvent
from apps.cases.services import involvement_add
from apps.documents import services
from apps.documents.models import Document, ScanState
from apps.notifications.models import Notification
from tests.conftest import api_client_for
from tests.documents.conftest import stored_files
from tests.documents.helpers import (
    eicar,
    multipart,
    pdf_bytes,
    pdf_with_javascript,
    png_bytes,
    windows_program,
    zip_bomb,
)
from tests.factories import actor_of, make_member

pytestmark = pytest.mark.django_db


def _url(case, suffix: str = "") -> str:
    return f"/api/v1/cases/{case.pk}/documents/{suffix}"


def _upload(client, case, *, name: str = "consent.pdf", data: bytes | None = None,
            title: str = "Signed consent form", visibility: str = "shared"):
    content = pdf_bytes() if data is None else data
    body, content_type = multipart(name=name, data=content, title=title,
                                   visibility=visibility)
    return client.generic("POST", _url(case), body, content_type=content_type)


def test_upload_is_held_until_scanned_then_served_as_an_attachment(world, shared_case, clamd,
                                                                  document_root):
    client = api_client_for(world.partner_practitioner)
    response = _upload(client, shared_case)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["scan_state"] == "pending" and body["download_url"] is None
    assert body["content_type"] == "application/pdf" and body["section"] == "chronology"
    document = Document.objects.get(pk=body["id"])
    # Nothing unscanned is served, not even to the uploader.
    assert client.get(_url(shared_case, f"{document.pk}/download/")).status_code == 404
    assert services.document_scan(document_id=document.pk) == ScanState.CLEAN
    assert clamd.commands == ["INSTREAM"] and clamd.scanned == [pdf_bytes()]
    lead = api_client_for(world.lead_practitioner)
    listed = lead.get(_url(shared_case)).json()["results"]
    assert [row["id"] for row in listed] == [str(document.pk)]
    response = lead.get(listed[0]["download_url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AccessEvent.objects.filter(object_type="document", object_id=document.pk,
                                      action="download", user=world.lead_practitioner.user,
                                      channel="api").count() == 1


def test_eicar_is_quarantined_and_uploader_and_admin_are_told_without_personal_data(
        world, shared_case, clamd, document_root, django_capture_on_commit_callbacks):
    from apps.agencies.models import Role

    admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    client = api_client_for(world.partner_practitioner)
    response = _upload(client, shared_case, name="letter.txt", data=eicar(), title="Letter")
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["id"])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.document_scan(document_id=document.pk) == ScanState.QUARANTINED
    document.refresh_from_db()
    assert document.scan_signature == "Eicar-Signature"
    assert document.storage_key.startswith("quarantine/")
    assert [p.name for p in stored_files(document_root)] == [document.storage_key.rsplit(
        "/", 1)[-1]]
    told = Notification.objects.filter(kind="document_quarantined", target_id=document.pk)
    assert set(told.values_list("recipient_id", flat=True)) == {
        world.partner_practitioner.user.pk, admin.user.pk}
    person = shared_case.subject
    for row in told:
        assert person.given_name not in row.title and person.family_name not in row.title
        assert "Letter" not in row.title and "letter.txt" not in row.title
    # Never served; the uploading agency sees it as quarantined; others do not see it at all.
    assert client.get(_url(shared_case, f"{document.pk}/download/")).status_code == 404
    assert client.get(_url(shared_case)).json()["results"][0]["scan_state"] == "quarantined"
    assert api_client_for(world.lead_practitioner).get(_url(shared_case)).json()[
        "results"] == []


def test_scanner_down_keeps_the_document_held_and_the_sweep_publishes_it_again(
        world, shared_case, settings, document_root):
    settings.DOCUMENT_SCANNER = "apps.documents.scanning.ClamdScanner"
    settings.CLAMD_URL = "tcp://127.0.0.1:1"  # nothing listens there
    client = api_client_for(world.partner_practitioner)
    document = Document.objects.get(pk=_upload(client, shared_case).json()["id"])
    assert services.document_scan(document_id=document.pk) == ScanState.PENDING
    document.refresh_from_db()
    assert document.scan_state == ScanState.PENDING and "cannot reach clamd" in (
        document.scan_error)
    Document.objects.filter(pk=document.pk).update(scan_next_at="2000-01-01T00:00Z")
    assert services.scan_sweep() == 1
    document.refresh_from_db()
    assert document.scan_attempts == 1 and document.scan_state == ScanState.PENDING


REFUSALS = [
    ("empty.pdf", b"", "The file is empty."),
    ("setup.pdf", windows_program(), "The file is a program"),
    ("report.docx", zip_bomb(), "zip bomb"),
    ("../../etc/passwd.pdf", pdf_bytes(), "must not contain / or \\"),
    ("..\\evil.pdf", pdf_bytes(), "must not contain / or \\"),
    ("bad\x07name.pdf", pdf_bytes(), "control characters"),
    ("form.pdf", pdf_with_javascript(), "JavaScript"),
    ("form.pdf", pdf_with_javascript(escaped=True), "JavaScript"),
    ("photo.pdf", png_bytes(), "its name does not end in .png"),
    ("notes.pdf", b"\x00\x01\x02binary", "must be a PDF"),
]


@pytest.mark.parametrize(("name", "data", "message"), REFUSALS)
def test_bad_files_are_refused_with_a_clear_message_and_nothing_is_stored(
        world, shared_case, document_root, name, data, message):
    client = api_client_for(world.partner_practitioner)
    response = _upload(client, shared_case, name=name, data=data)
    assert response.status_code == 400, response.content
    assert message in str(response.json())
    assert not Document.objects.exists()
    assert stored_files(document_root) == []


def test_a_file_over_the_limit_is_refused(world, shared_case, settings, document_root):
    settings.DOCUMENT_MAX_BYTES = 1000
    response = _upload(api_client_for(world.partner_practitioner), shared_case,
                       data=pdf_bytes() + b"%" * 2000)
    assert response.status_code == 400
    assert "1000 bytes or smaller" in str(response.json())
    assert not Document.objects.exists() and stored_files(document_root) == []


def test_outsider_gets_404_and_nothing_changes(world, shared_case, document_root, clamd):
    client = api_client_for(world.partner_practitioner)
    document = Document.objects.get(pk=_upload(client, shared_case).json()["id"])
    services.document_scan(document_id=document.pk)
    outsider = api_client_for(world.outsider_practitioner)
    assert outsider.get(_url(shared_case)).status_code == 404
    assert outsider.get(_url(shared_case, f"{document.pk}/")).status_code == 404
    assert outsider.get(_url(shared_case, f"{document.pk}/download/")).status_code == 404
    assert _upload(outsider, shared_case).status_code == 404
    assert Document.objects.count() == 1 and len(stored_files(document_root)) == 1


def test_marac_only_involvement_cannot_see_documents(world, shared_case, document_root,
                                                      clamd):
    involvement_add(actor=actor_of(world.lead_manager), case=shared_case, agency=world.outsider,
                    basis="Listed at MARAC.", role="marac")
    client = api_client_for(world.partner_practitioner)
    document = Document.objects.get(pk=_upload(client, shared_case).json()["id"])
    services.document_scan(document_id=document.pk)
    housing = api_client_for(world.outsider_practitioner)
    assert housing.get(f"/api/v1/cases/{shared_case.pk}/").status_code == 200
    assert housing.get(_url(shared_case)).status_code == 404
    assert housing.get(_url(shared_case, f"{document.pk}/download/")).status_code == 404
    assert _upload(housing, shared_case).status_code == 404
    assert Document.objects.count() == 1


def test_agency_only_document_is_hidden_from_other_agencies(world, shared_case, document_root,
                                                             clamd):
    client = api_client_for(world.partner_practitioner)
    document = Document.objects.get(pk=_upload(client, shared_case,
                                               visibility="agency").json()["id"])
    services.document_scan(document_id=document.pk)
    lead = api_client_for(world.lead_practitioner)
    assert lead.get(_url(shared_case)).json()["results"] == []
    assert lead.get(_url(shared_case, f"{document.pk}/download/")).status_code == 404
    colleague = api_client_for(world.partner_manager)
    assert colleague.get(_url(shared_case, f"{document.pk}/download/")).status_code == 200


def test_auditor_cannot_upload(world, shared_case, document_root):
    from apps.agencies.models import Role

    auditor = make_member(agency=world.partner, role=Role.AUDITOR)
    response = _upload(api_client_for(auditor), shared_case)
    assert response.status_code == 403
    assert not Document.objects.exists() and stored_files(document_root) == []
