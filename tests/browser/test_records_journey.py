"""Documents and records in the browser: a practitioner attaches a signed consent form (held
until scanned, then downloadable); an agency admin records a subject access request and sees
its bundle; a manager confirms a retention deletion. JavaScript on and off, axe and CSP
checks on every page."""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from apps.agencies.models import Role
from apps.cases.models import Case
from apps.cases.services import case_update
from apps.documents import services as documents
from apps.documents.models import Document
from apps.records import services as records
from apps.records.models import RetentionReview, SubjectAccessRequest
from tests.browser.dates import fill_date
from tests.documents.helpers import pdf_bytes
from tests.factories import actor_of, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def files(settings, tmp_path):
    settings.DOCUMENT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                 "OPTIONS": {"location": str(tmp_path / "documents")}}
    settings.DOCUMENT_SCANNER = "apps.documents.scanning.EicarOnlyScanner"
    consent = tmp_path / "consent.pdf"
    consent.write_bytes(pdf_bytes())
    return consent


def test_practitioner_attaches_a_consent_form(visitor, world, shared_case, files):
    page = visitor.page
    visitor.sign_in(world.partner_practitioner)
    visitor.goto(f"/cases/{shared_case.pk}/")
    page.get_by_role("link", name="Add or view documents").click()
    page.wait_for_load_state()
    visitor.check()
    page.get_by_role("button", name="Upload document").click()
    page.wait_for_load_state()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    visitor.check()
    page.get_by_label("What is this document?").fill("Signed consent form")
    page.get_by_label("Choose the file").set_input_files(str(files))
    page.get_by_role("button", name="Upload document").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("documents")).to_contain_text("Awaiting virus scan")
    visitor.check()
    documents.document_scan(document_id=Document.objects.get().pk)
    visitor.goto(f"/cases/{shared_case.pk}/documents/")
    expect(page.get_by_test_id("documents")).to_contain_text("Scanned")
    with page.expect_download() as download:
        page.get_by_role("link", name="Signed consent form").click()
    assert download.value.suggested_filename == "consent.pdf"


def test_admin_answers_a_subject_access_request(visitor, world, shared_case, files):
    admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    page = visitor.page
    visitor.sign_in(admin)
    visitor.goto("/records/subject-access/")
    page.get_by_role("link", name="Record a new request").click()
    page.wait_for_load_state()
    visitor.check()
    page.get_by_label("Search by name").fill(shared_case.subject.family_name)
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    visitor.check()
    page.get_by_role("link", name=shared_case.subject.family_name).first.click()
    page.wait_for_load_state()
    visitor.check()
    fill_date(page, "Date the request was received",
              timezone.localdate() - datetime.timedelta(days=1))
    page.get_by_role("button", name="Record the request").click()
    page.wait_for_load_state()
    visitor.check()
    records.sar_assemble(sar_id=SubjectAccessRequest.objects.get().pk)
    page.reload()
    expect(page.get_by_test_id("sar-status")).to_contain_text("Ready")
    visitor.check()
    page.get_by_label("What was released, and how").fill("Redacted bundle posted.")
    page.get_by_role("button", name="Record the release").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("sar-status")).to_contain_text("Released")
    visitor.check()


def test_manager_confirms_a_retention_deletion(visitor, world, shared_case, files):
    case_update(actor=actor_of(world.lead_manager), case=shared_case, status="closed",
                risk_level="standard", summary="Closed.")
    Case.objects.filter(pk=shared_case.pk).update(
        last_activity_at=timezone.now() - relativedelta(years=7))
    records.retention_sweep()
    review = RetentionReview.objects.get()
    page = visitor.page
    visitor.sign_in(world.lead_manager)
    visitor.goto("/records/retention/")
    page.get_by_role("link", name=shared_case.reference).click()
    page.wait_for_load_state()
    visitor.check()
    page.get_by_role("button", name="Delete the personal data").click()
    page.wait_for_load_state()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    visitor.check()
    page.get_by_label("I confirm the case's personal data should be deleted now").check()
    page.get_by_role("button", name="Delete the personal data").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("review-state")).to_contain_text("Personal data deleted")
    visitor.check()
    review.refresh_from_db()
    assert review.state == "deleted"
