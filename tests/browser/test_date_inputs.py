"""Every date a user types is the GOV.UK date input: in a browser with JavaScript on and off,
bad dates give the design system's messages in the error summary and beside the boxes, the
pages pass axe, and a 390 px phone shows the boxes without sideways scrolling."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.action_plans.models import Action
from apps.audit.models import AccessEvent
from apps.marac.models import Meeting
from tests.browser.dates import fill_date
from tests.factories import make_case
from tests.marac.helpers import make_marac

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def _fits_a_phone(page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => e.tagName + '.' + e.className).slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), wide
    page.set_viewport_size({"width": 1280, "height": 800})


def test_meeting_date_and_time(visitor, world):
    marac = make_marac(world)
    visitor.sign_in(marac.coordinator)
    visitor.goto("/marac/meetings/new/")
    page = visitor.page
    _fits_a_phone(page)
    day = timezone.localdate() + datetime.timedelta(days=10)
    fill_date(page, "Date and time", day)
    time = page.get_by_role("group", name="Date and time").get_by_label("Time")
    time.fill("25:00")
    _submit(page, "Schedule meeting")
    message = "Date and time of the meeting must be a real time, like 10:30am or 14:30"
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)
    expect(page.locator("#id_starts_at-error")).to_contain_text(message)
    expect(time).to_have_class("govuk-input govuk-date-input__input govuk-input--width-5 "
                               "govuk-input--error")
    visitor.check()
    page.locator(".govuk-error-summary").get_by_role("link", name=message).click()
    if visitor.page.evaluate("document.body.classList.contains('js-enabled')"):
        expect(time).to_be_focused()
    time.fill("2:30pm")
    _submit(page, "Schedule meeting")
    visitor.check()
    meeting = Meeting.objects.get(area=marac.area)
    assert timezone.localtime(meeting.starts_at).replace(tzinfo=None) == datetime.datetime(
        day.year, day.month, day.day, 14, 30)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"{day.day} {day:%B} {day.year}")


def test_due_date_and_date_of_birth(visitor, world, shared_case):
    visitor.sign_in(world.partner_practitioner)
    visitor.goto(f"/cases/{shared_case.pk}/action-plan/")
    page = visitor.page
    page.get_by_label("Action", exact=True).fill("Weekly check-in call.")
    page.get_by_label("Owner agency").select_option(label=world.partner.name)
    group = page.get_by_role("group", name="Due date")
    group.get_by_label("Day").fill("12")
    group.get_by_label("Year").fill("2030")
    _submit(page, "Add action")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Due date must include a month")
    expect(group.get_by_label("Month")).to_have_class(
        "govuk-input govuk-date-input__input govuk-input--width-2 govuk-input--error")
    expect(group.get_by_label("Day")).not_to_have_class("govuk-input--error")
    visitor.check()
    assert not Action.objects.exists()
    fill_date(page, "Due date", datetime.date(2030, 2, 12))
    _submit(page, "Add action")
    visitor.check()
    assert Action.objects.get().due_date == datetime.date(2030, 2, 12)
    expect(page.locator("body")).to_contain_text("12 February 2030")

    visitor.goto("/people/new/")
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Datewell")
    fill_date(page, "Date of birth (optional)", datetime.date(1990, 1, 1))
    page.get_by_role("group", name="Date of birth (optional)").get_by_label("Day").fill("30")
    page.get_by_role("group", name="Date of birth (optional)").get_by_label("Month").fill("2")
    _submit(page, "Add person and open case")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Date of birth must be a real date")
    visitor.check()


def test_access_log_filter_dates(visitor, world):
    case = make_case(lead=world.lead_practitioner)
    AccessEvent.objects.create(user=world.lead_practitioner.user, agency=world.lead,
                               object_type="case", object_id=case.pk, case=case,
                               action="view", channel="ui")
    visitor.sign_in(world.lead_admin)
    visitor.goto("/audit/access-log/")
    page = visitor.page
    _fits_a_phone(page)
    page.get_by_role("group", name="From").get_by_label("Day").fill("1")
    page.get_by_role("group", name="From").get_by_label("Month").fill("1")
    _submit(page, "Search")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Date from must include a year")
    visitor.check()
    today = timezone.localdate()
    fill_date(page, "From", today - datetime.timedelta(days=1))
    fill_date(page, "To", today)
    _submit(page, "Search")
    visitor.check()
    expect(page.get_by_test_id("access-events")).to_contain_text(case.reference)
    assert f"date_to_day={today.day}" in page.url
