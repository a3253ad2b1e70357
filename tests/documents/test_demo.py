"""The issue's "done when" for documents, tried on the demo data."""

from __future__ import annotations

import pytest

from apps.documents.models import Document, ScanState
from apps.notifications.models import Notification
from tests.cases.test_sections_demo import client_for, member

pytestmark = pytest.mark.django_db


def test_idva_consent_form_is_served_to_police_not_to_housing_and_eicar_is_quarantined(
        document_root):
    from django.core.management import call_command

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    consent = Document.objects.get(title="Signed consent form")
    assert consent.scan_state == ScanState.CLEAN
    assert consent.uploaded_by.username == "idva.clarke"
    case_url = f"/cases/{consent.case_id}/documents/"
    download = f"{case_url}{consent.pk}/download/"
    assert client_for(member("idva.clarke")).get(download).status_code == 200
    assert client_for(member("pc.jones")).get(download).status_code == 200
    housing = client_for(member("housing.lee"))
    assert housing.get(f"/cases/{consent.case_id}/").status_code == 200
    assert housing.get(case_url).status_code == 404
    assert housing.get(download).status_code == 404
    flagged = Document.objects.get(scan_state=ScanState.QUARANTINED)
    assert set(Notification.objects.filter(kind="document_quarantined").values_list(
        "recipient__username", flat=True)) == {"idva.clarke", "admin.safehaven"}
    assert client_for(member("idva.clarke")).get(
        f"{case_url}{flagged.pk}/download/").status_code == 404


def test_admin_answers_the_demo_sar_and_a_manager_deletes_the_closed_case(document_root):
    from django.core.management import call_command

    from apps.cases.models import Case, CaseNote
    from apps.records.models import RetentionReview, SubjectAccessRequest

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    sar = SubjectAccessRequest.objects.get()
    assert sar.status == "ready"
    admin = client_for(member("admin.safehaven"))
    assert sar.person.given_name in admin.get("/records/subject-access/").content.decode()
    assert admin.get(f"/records/subject-access/{sar.pk}/bundle/").status_code == 200
    assert client_for(member("idva.clarke")).get(
        f"/records/subject-access/{sar.pk}/").status_code == 404
    review = RetentionReview.objects.get()
    assert review.state == "due" and review.case.status == "closed"
    manager = client_for(member("mgr.safehaven"))
    assert review.case.reference in manager.get("/records/retention/").content.decode()
    closed_before = Case.objects.filter(status="closed").count()
    response = manager.post(f"/records/retention/{review.pk}/", {"action": "delete",
                                                                 "confirm": "on"})
    assert response.status_code == 302
    assert not CaseNote.objects.filter(case=review.case).exists()
    assert Case.objects.filter(status="closed").count() == closed_before
