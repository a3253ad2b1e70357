"""Checklist -> MARAC referral -> listed -> research -> minutes -> action done, in a browser
with JavaScript on and off, each page checked with axe and for CSP errors."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from apps.action_plans.models import Action
from apps.marac.models import MaracReferral, Research
from tests.browser.dates import fill_date
from tests.factories import make_case
from tests.marac.helpers import make_marac, meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch(visitor, membership) -> None:
    visitor.page.context.clear_cookies()
    visitor.sign_in(membership)


def test_marac_journey(visitor, world):
    case = make_case(lead=world.lead_practitioner)
    from tests.factories import involve

    involve(case=case, manager=world.lead_manager, agency=world.partner)
    marac = make_marac(world)
    mtg = meeting(marac=marac)
    page = visitor.page

    # 1. The lead practitioner completes the checklist and refers.
    visitor.sign_in(world.lead_practitioner)
    visitor.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Risk checklists and MARAC").click()
    visitor.check()
    page.get_by_role("link", name="Complete a risk checklist").click()
    visitor.check()
    for number in range(1, 25):
        page.locator(f"#id_q{number:02d}_{0 if number <= 15 else 1}").check()
    page.get_by_label("Notes on question 1 (optional)").fill("Bruising to the arm.")
    page.get_by_role("button", name="Save checklist").click()
    expect(page.get_by_test_id("score")).to_contain_text("15 of 24")
    visitor.check()
    page.get_by_label("Refer to MARAC", exact=True).check()
    page.get_by_label("Reason for your decision").fill("Visible high risk.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("heading", name="Refer to MARAC")).to_be_visible()
    visitor.check()
    page.get_by_label("Visible high risk").check()
    page.get_by_label("Yes", exact=True).check()
    # Nothing is pre-selected: the referrer chooses the basis the MARAC listing records.
    page.get_by_label("Lawful basis for sharing").select_option("crime_prevention")
    page.get_by_label("Why sharing with the MARAC is necessary and proportionate").fill(
        "Risk of serious harm.")
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Submitted")
    visitor.check()
    referral = MaracReferral.objects.get()

    # 2. The coordinator lists it for the meeting.
    _switch(visitor, marac.coordinator)
    visitor.goto("/marac/")
    page.get_by_role("link", name=case.reference).click()
    visitor.check()
    page.get_by_role("button", name="List on the agenda").click()
    expect(page.get_by_test_id("agenda-item")).to_contain_text(case.reference)
    visitor.check()
    referral.refresh_from_db()
    assert referral.status == "listed"
    # Each MARAC involvement rests on the basis the referrer chose, not "vital interests".
    marac_bases = set(case.involvements.filter(role="marac").values_list(
        "sharing_basis__lawful_basis", flat=True))
    assert marac_bases == {"crime_prevention"}

    # 3. The partner agency submits its research.
    _switch(visitor, world.partner_practitioner)
    visitor.goto(f"/marac/meetings/{mtg.pk}/")
    page.get_by_role("link", name=f"Submit research for {case.reference}").click()
    visitor.check()
    page.get_by_label("What your agency holds").fill("Two contacts with the IDVA service.")
    page.get_by_role("button", name="Submit research").click()
    visitor.check()
    assert Research.objects.get(agency=world.partner).submitted_at is not None
    visitor.goto(f"/marac/meetings/{mtg.pk}/pack/")
    expect(page.get_by_test_id("pack-case")).to_contain_text("Two contacts with the IDVA")

    # 4. The coordinator records attendance, minutes and an action.
    _switch(visitor, marac.coordinator)
    visitor.goto(f"/marac/meetings/{mtg.pk}/attendance/")
    page.get_by_label("The confidentiality statement was read and agreed").check()
    page.get_by_role("button", name="Save attendance").click()
    visitor.check()
    page.get_by_role("link", name=f"Minutes and actions for {case.reference}").click()
    visitor.check()
    page.get_by_label("Minutes", exact=True).fill("Agreed a safety plan.")
    page.get_by_role("button", name="Save minutes").click()
    visitor.check()
    page.get_by_label("Action", exact=True).fill("Review the safety plan.")
    page.get_by_label("Owner agency").select_option(label=world.partner.name)
    fill_date(page, "Due date", datetime.date(2030, 1, 31))
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_test_id("agreed-actions")).to_contain_text("Review the safety plan.")
    visitor.check()

    # 5. The partner agency marks the action done.
    _switch(visitor, world.partner_practitioner)
    visitor.goto(f"/cases/{case.pk}/action-plan/")
    page.get_by_role("link", name="Close action").click()
    visitor.check()
    page.get_by_label("Done", exact=True).check()
    page.get_by_label("Note").fill("Plan reviewed with her.")
    page.get_by_role("button", name="Close action").click()
    expect(page.get_by_test_id("action")).to_contain_text("Done")
    visitor.check()
    assert Action.objects.get().status == "done"
