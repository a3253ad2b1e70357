"""Retention: the sweep finds closed cases past their rule (default, agency, agreement); a
manager of the lead agency deletes the personal data (keeping statistics) or extends it; a
legal hold stops deletion."""

from __future__ import annotations

import datetime
import io

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from apps.audit.models import AccessEvent
from apps.cases.models import Case, CaseNote, CaseNoteEvent, CaseStatus
from apps.cases.services import case_note_add, case_update
from apps.consent.models import DataSharingAgreement
from apps.documents import services as documents
from apps.documents.models import Document
from apps.notifications.models import Notification
from apps.people.models import Person, PersonEvent
from apps.records import services
from apps.records.models import AgreementRetention, RetentionReview, ReviewState
from apps.referrals.models import Referral
from tests.conftest import api_client_for, client_for
from tests.documents.conftest import stored_files
from tests.documents.helpers import pdf_bytes
from tests.factories import actor_of
from tests.referrals.helpers import make_referral

pytestmark = pytest.mark.django_db


def _close(world, case, *, months_ago: int) -> Case:
    case_update(actor=actor_of(world.lead_manager), case=case, status=CaseStatus.CLOSED,
                risk_level="high", summary="Closed: Dana moved away.")
    Case.objects.filter(pk=case.pk).update(
        last_activity_at=timezone.now() - relativedelta(months=months_ago, days=2))
    return Case.objects.get(pk=case.pk)


def _full_case(world, shared_case, clamd):
    case_note_add(actor=actor_of(world.lead_practitioner), case=shared_case,
                  text="Visited Dana at 4 Mill Lane.")
    document = documents.document_upload(
        actor=actor_of(world.partner_practitioner), case=shared_case,
        upload=io.BytesIO(pdf_bytes()), filename="consent.pdf", title="Consent")
    documents.document_scan(document_id=document.pk)
    return make_referral(world=world, case=shared_case)


def test_default_six_years_then_manager_deletes_keeping_statistics(
        world, shared_case, clamd, document_root, django_capture_on_commit_callbacks):
    referral = _full_case(world, shared_case, clamd)
    case = _close(world, shared_case, months_ago=71)
    assert services.retention_sweep() == 0
    Case.objects.filter(pk=case.pk).update(
        last_activity_at=timezone.now() - relativedelta(months=73))
    assert services.retention_sweep() == 1
    review = RetentionReview.objects.get(case=case)
    assert review.state == ReviewState.DUE and review.rule.startswith("Default")
    told = Notification.objects.get(kind="retention_due", recipient=world.lead_manager.user)
    assert case.subject.family_name not in told.title and case.reference in told.title
    assert services.retention_sweep() == 0  # once
    person_id = case.subject_id
    old_name = case.subject.family_name
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client_for(world.lead_manager).post(
            f"/api/v1/retention/reviews/{review.pk}/delete/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "deleted" and response.json()["kept"]["notes"] >= 1
    # Gone: notes, documents (rows and files), names, contact, free text, their history.
    assert not CaseNote.objects.filter(case=case).exists()
    assert not CaseNoteEvent.objects.filter(case_id=case.pk).exists()
    assert not Document.objects.filter(case=case).exists() and stored_files(document_root) == []
    person = Person.objects.get(pk=person_id)
    assert person.family_name == "Deleted" and not person.postcode and not person.phone
    assert not PersonEvent.objects.filter(pgh_obj_id=person_id).exists()
    # Search finds the person no more, by the old name, for any agency.
    from apps.people.selectors import person_page

    for membership in (world.lead_practitioner, world.partner_practitioner):
        assert person_page(actor=actor_of(membership), query=old_name).items == []
    referral.refresh_from_db()
    assert "IDVA" not in referral.reason and not referral.shared_information
    # Kept for statistics: the case, its dates and categories, the referral's facts.
    case.refresh_from_db()
    assert case.status == "closed" and case.risk_level == "high" and case.summary == ""
    assert Referral.objects.filter(case=case, status=referral.status,
                                   to_agency=world.partner).exists()
    assert Case.objects.filter(lead_agency=world.lead, status="closed").count() == 1
    # Audited: that it happened, not what.
    event = AccessEvent.objects.get(action="retention_delete", case_id=case.pk)
    assert event.user == world.lead_manager.user


def test_a_dsa_period_applies_to_what_was_shared_under_it(world, shared_case, document_root):
    case = _close(world, shared_case, months_ago=13)
    assert services.retention_sweep() == 0
    agreement = DataSharingAgreement.objects.filter(parties__agency=world.partner).filter(
        parties__agency=world.lead).first()
    services.agreement_retention_set(actor=actor_of(world.lead_admin), agreement=agreement,
                                     months=12)
    assert AgreementRetention.objects.get(agreement=agreement).months == 12
    assert services.retention_sweep() == 1
    review = RetentionReview.objects.get(case=case)
    assert agreement.title in review.rule and "12 months" in review.rule


def test_agency_rule_may_be_stricter_never_laxer(world, shared_case, document_root):
    client = api_client_for(world.lead_admin)
    response = client.post("/api/v1/retention/rule/", {"months": 100})
    assert response.status_code == 400 and "never laxer" in str(response.json())
    response = client.post("/api/v1/retention/rule/", {"months": 24})
    assert response.status_code == 200 and response.json()["months"] == 24
    assert api_client_for(world.lead_manager).post(
        "/api/v1/retention/rule/", {"months": 12}).status_code == 403
    case = _close(world, shared_case, months_ago=25)
    assert services.retention_sweep() == 1
    assert "24 months" in RetentionReview.objects.get(case=case).rule


def test_legal_hold_stops_deletion_and_extension_needs_a_reason(world, shared_case,
                                                                document_root):
    case = _close(world, shared_case, months_ago=80)
    services.retention_sweep()
    review = RetentionReview.objects.get(case=case)
    manager = api_client_for(world.lead_manager)
    assert manager.post(f"/api/v1/retention/reviews/{review.pk}/hold/",
                        {"reason": ""}).status_code == 400
    assert manager.post(f"/api/v1/retention/reviews/{review.pk}/hold/",
                        {"reason": "Civil proceedings pending."}).status_code == 200
    response = manager.post(f"/api/v1/retention/reviews/{review.pk}/delete/")
    assert response.status_code == 409 and "legal hold" in str(response.json())
    assert CaseNote.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).summary
    assert manager.post(f"/api/v1/retention/reviews/{review.pk}/lift-hold/").status_code == 200
    assert manager.post(f"/api/v1/retention/reviews/{review.pk}/extend/",
                        {"months": 6, "reason": ""}).status_code == 400
    response = manager.post(f"/api/v1/retention/reviews/{review.pk}/extend/",
                            {"months": 6, "reason": "Inquest expected."})
    assert response.status_code == 200 and response.json()["state"] == "extended"
    assert services.retention_sweep() == 0
    # When the extension runs out, the sweep finds it again.
    RetentionReview.objects.filter(pk=review.pk).update(
        extended_until=timezone.localdate() - datetime.timedelta(days=1))
    assert services.retention_sweep() == 1


def test_only_the_lead_agencys_manager_decides_and_others_get_404(world, shared_case,
                                                                  document_root):
    case = _close(world, shared_case, months_ago=80)
    services.retention_sweep()
    review = RetentionReview.objects.get(case=case)
    for membership in (world.outsider_manager, world.partner_manager, world.lead_practitioner):
        client = api_client_for(membership)
        assert client.get(f"/api/v1/retention/reviews/{review.pk}/").status_code == 404
        assert client.post(f"/api/v1/retention/reviews/{review.pk}/delete/").status_code == 404
        assert client_for(membership).get(
            f"/records/retention/{review.pk}/").status_code == 404
    # The lead's admin may hold but not delete.
    admin = api_client_for(world.lead_admin)
    assert admin.post(f"/api/v1/retention/reviews/{review.pk}/delete/").status_code == 403
    review.refresh_from_db()
    assert review.state == ReviewState.DUE and CaseNote.objects.filter(case=case).exists()


def test_manager_confirms_deletion_in_the_browser(world, shared_case, document_root):
    case = _close(world, shared_case, months_ago=80)
    services.retention_sweep()
    review = RetentionReview.objects.get(case=case)
    client = client_for(world.lead_manager)
    assert case.reference in client.get("/records/retention/").content.decode()
    url = f"/records/retention/{review.pk}/"
    response = client.post(url, {"action": "delete"})
    assert response.status_code == 400
    assert "Confirm that the personal data should be deleted." in response.content.decode()
    assert client.post(url, {"action": "delete", "confirm": "on"}).status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.DELETED
