"""A manager looks at the referral funnel and equality monitoring, changes the filters and
downloads a table; JavaScript on and off, axe and CSP checks on every page (tests/browser)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.consent.models import DataSharingAgreement
from apps.referrals.models import ReferralStatus
from tests.insight.helpers import add_referrals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_reads_the_funnel_and_equality_pages(visitor, world):
    DataSharingAgreement.objects.filter(title="Northbridge DSA").update(reporting_allowed=True)
    add_referrals(sender=world.partner_practitioner, receiver=world.lead, count=6,
                  ethnic_group="white")
    add_referrals(sender=world.partner_practitioner, receiver=world.lead, count=5,
                  status=ReferralStatus.DECLINED, decline_category="no_capacity",
                  ethnic_group="asian")
    add_referrals(sender=world.lead_practitioner, receiver=world.partner, count=3,
                  ethnic_group="mixed")
    page = visitor.page

    visitor.sign_in(world.partner_manager)
    visitor.goto("/reports/")
    visitor.check()
    page.get_by_role("link", name="Referral funnel").click()
    page.wait_for_load_state()
    visitor.check()
    chart = page.get_by_role("img", name="Acceptance rate by referring agency and receiving "
                                         "sector")
    expect(chart).to_be_visible()
    page.get_by_label("Whose figures").select_option(label="Partnership: Northbridge DSA")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("report-scope")).to_contain_text("Partnership: Northbridge DSA")
    visitor.check()
    page.get_by_role("group", name="From", exact=True).get_by_label("Month").fill("13")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_load_state()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    visitor.check()

    visitor.goto("/reports/equality/")
    visitor.check()
    table = page.get_by_test_id("report-referral-ethnic_group")
    expect(table).to_contain_text("Fewer than 5")
    with page.expect_download() as download:
        table.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename == "equality-referral-ethnic_group.csv"
