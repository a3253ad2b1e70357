"""Refer -> accept -> outcome recorded, as two people in two agencies, JavaScript on and off,
with axe and CSP checks on every page."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from apps.referrals.models import Referral, ReferralStatus
from tests.browser.dates import fill_date
from tests.factories import make_case
from tests.referrals.helpers import make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_refer_accept_and_record_the_outcome(visitor, world):
    case = make_case(lead=world.lead_practitioner, given_name="Robin", family_name="Example")
    make_service(agency=world.partner)
    page = visitor.page

    # The referrer refers from the case page in one screen.
    visitor.sign_in(world.lead_practitioner)
    visitor.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Refer to another agency").click()
    page.wait_for_load_state()
    visitor.check()
    expect(page.get_by_label("What you are sharing")).to_have_value(case.summary)
    page.get_by_role("button", name="Send referral").click()  # nothing chosen yet
    page.wait_for_load_state()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    visitor.check()
    assert not Referral.objects.exists()

    page.get_by_label("Service you are referring to").select_option(
        label="IDVA service (Safe Haven)")
    page.get_by_label("Reason for the referral").fill("Needs an IDVA after repeat incidents.")
    page.get_by_label("Urgent", exact=True).check()
    page.get_by_role("group", name="Does the person know about this referral?").get_by_label(
        "Yes").check()
    page.get_by_label("Consent", exact=True).check()
    page.get_by_label("Consent given by").select_option(label="The person")
    fill_date(page, "Date consent was given", datetime.date(2026, 1, 5))
    page.get_by_role("button", name="Send referral").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("referral-status")).to_contain_text("Submitted")
    visitor.check()
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SUBMITTED

    # The receiving agency finds it in its inbox, sees what was shared, accepts it.
    page.context.clear_cookies()
    visitor.sign_in(world.partner_practitioner)
    visitor.goto("/referrals/inbox/")
    page.get_by_role("link", name=f"{case.reference} from {world.lead.name}").click()
    page.wait_for_load_state()
    visitor.check()
    expect(page.get_by_test_id("referral-shared")).to_contain_text(
        referral.shared_information)
    expect(page.get_by_test_id("case-link")).to_have_count(0)
    page.get_by_role("button", name="Accept referral").click()
    page.wait_for_load_state()
    visitor.check()
    expect(page.get_by_test_id("referral-status")).to_contain_text("Accepted")
    expect(page.get_by_test_id("case-link")).to_be_visible()

    page.get_by_label("Outcome").fill("Six IDVA sessions; safety plan in place.")
    page.get_by_role("button", name="Record outcome and complete").click()
    page.wait_for_load_state()
    visitor.check()
    expect(page.get_by_test_id("outcome")).to_contain_text("Six IDVA sessions")

    # The referrer sees the outcome and the full history, and a notification.
    page.context.clear_cookies()
    visitor.sign_in(world.lead_practitioner)
    expect(page.get_by_test_id("notifications-link")).to_contain_text("Notifications (2)")
    visitor.goto(f"/referrals/{referral.pk}/")
    expect(page.get_by_test_id("referral-status")).to_contain_text("Completed")
    expect(page.get_by_test_id("referral-history")).to_contain_text("Accepted.")
    visitor.goto("/notifications/")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED


def test_directory_admin_and_referral_pages_are_accessible(visitor, world):
    from apps.referrals.services import referral_open
    from tests.factories import actor_of
    from tests.referrals.helpers import make_referral

    service = make_service(agency=world.lead, name="Domestic abuse unit")
    referral = make_referral(world=world)
    referral_open(actor=actor_of(world.partner_practitioner), referral=referral)
    page = visitor.page
    visitor.sign_in(world.lead_admin)
    for path in ("/services/", "/services/?need=domestic_abuse&accepting=on",
                 f"/services/{service.pk}/", "/services/mine/", "/services/new/",
                 f"/services/{service.pk}/edit/", "/referrals/outgoing/", "/notifications/"):
        visitor.goto(path)
    visitor.goto("/services/new/")
    page.get_by_role("button", name="Save service").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Enter the service's name.").first).to_be_visible()
    visitor.check()

    page.context.clear_cookies()
    visitor.sign_in(world.partner_practitioner)
    for path in ("/referrals/inbox/awaiting/", "/referrals/inbox/overdue/"):
        visitor.goto(path)
    visitor.goto(f"/referrals/{referral.pk}/")
    page.locator("summary", has_text="Decline the referral").click()
    page.get_by_role("button", name="Decline referral").click()
    page.wait_for_load_state()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    visitor.check()
