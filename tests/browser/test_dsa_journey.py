"""One agency admin drafts a data-sharing agreement; both parties' admins sign it. JavaScript on
and off, axe and CSP checks on every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.agencies.models import Role
from apps.consent.models import DataSharingAgreement, DsaStatus
from tests.browser.dates import fill_date
from tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_drafts_an_agreement_and_both_admins_sign(visitor, world):
    partner_admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    page = visitor.page
    today = timezone.localdate()

    visitor.sign_in(world.lead_admin)
    visitor.goto("/sharing/")
    visitor.check()
    page.get_by_role("link", name="Draft an agreement").click()
    page.wait_for_load_state()
    visitor.check()
    page.get_by_role("button", name="Draft agreement").click()  # nothing filled in
    page.wait_for_load_state()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    visitor.check()

    page.get_by_label("Title").fill("IDVA notification pilot")
    page.get_by_label("Purpose of sharing").fill("Police tell the IDVA service of incidents.")
    page.get_by_label("Lawful basis").select_option("public_task")
    page.get_by_label("Categories of data shared").fill("Incident reference and risk level.")
    page.get_by_label("Retention").fill("Two years.")
    fill_date(page, "Start date", today)
    fill_date(page, "Review date", today + datetime.timedelta(days=90))
    fill_date(page, "End date", today + datetime.timedelta(days=365))
    page.get_by_label("Safe Haven").check()
    page.get_by_role("button", name="Draft agreement").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("dsa-status")).to_contain_text("Draft")
    visitor.check()
    page.get_by_role("button", name=f"Sign for {world.lead.name}").click()
    page.wait_for_load_state()
    # A confirmation step shows what is agreed and the declaration to confirm (issue 16).
    expect(page.get_by_test_id("what-is-agreed")).to_contain_text("IDVA notification pilot")
    expect(page.get_by_test_id("declaration")).to_contain_text(
        f"I am authorised to sign this agreement for {world.lead.name}")
    visitor.check()
    page.get_by_role("button", name=f"Sign for {world.lead.name}").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm the declaration")
    visitor.check()
    page.get_by_label("I confirm the declaration above").check()
    page.get_by_role("button", name=f"Sign for {world.lead.name}").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("dsa-status")).to_contain_text("Awaiting signatures")
    visitor.check()
    agreement = DataSharingAgreement.objects.get(title="IDVA notification pilot")

    page.context.clear_cookies()
    visitor.sign_in(partner_admin)
    visitor.goto(f"/sharing/agreements/{agreement.pk}/")
    visitor.check()
    page.get_by_role("button", name=f"Sign for {world.partner.name}").click()
    page.wait_for_load_state()
    visitor.check()
    page.get_by_label("I confirm the declaration above").check()
    page.get_by_role("button", name=f"Sign for {world.partner.name}").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("dsa-status")).to_contain_text("Active")
    visitor.check()
    agreement.refresh_from_db()
    assert agreement.status == DsaStatus.ACTIVE
    assert agreement.parties.filter(signed_at__isnull=True).count() == 0
    assert all(p.declaration.startswith("I am authorised to sign") for p in
               agreement.parties.all())
