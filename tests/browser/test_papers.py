"""The MARAC meeting pack in a browser (issue 16): printed to A4 by Chromium's print engine,
the demo meeting's pack takes at most two pages per case and shows the children and the
outstanding actions; the PDF download link works with JavaScript on and off."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from apps.core.demo.loader import DEFAULT_PASSWORD
from apps.marac.models import Meeting, MeetingStatus
from tests.browser.conftest import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def demo_sign_in(visitor, username: str) -> None:
    page = visitor.page
    visitor.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    axe_check(page)


def test_the_demo_pack_prints_on_two_a4_pages_per_case(visitor):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    meeting = Meeting.objects.get(status=MeetingStatus.SCHEDULED)
    page = visitor.page
    demo_sign_in(visitor, "coordinator")
    visitor.goto(f"/marac/meetings/{meeting.pk}/pack/")
    cases = page.get_by_test_id("pack-case")
    expect(cases).to_have_count(5)
    leah = cases.filter(has_text="Leah Fairweather")
    expect(leah.get_by_test_id("pack-summary")).to_contain_text("Ruby")
    expect(leah.get_by_test_id("pack-actions")).to_contain_text(
        "Review the safety plan with Leah. – Safe Haven")
    expect(leah.get_by_test_id("not-received")).to_contain_text("Not received:")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the pack as a PDF (A4)").click()
    assert download.value.suggested_filename.startswith("marac-pack-")

    if visitor.page._wraparound_js:  # Chromium prints the same page either way
        pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=False)))
        starts = [i for i, p in enumerate(pdf.pages) if ". Case NB-" in p.extract_text()]
        assert len(starts) == 5
        ends = [*starts[1:], len(pdf.pages)]
        pages = [end - start for start, end in zip(starts, ends, strict=True)]
        assert max(pages) <= 2, pages
        text = "\n".join(p.extract_text() for p in pdf.pages)
        assert "Ruby" in text and "Not received:" in text


def test_the_persons_plan_lists_only_the_agencies_working_with_them(visitor):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from apps.people.models import Person

    case = Person.objects.get(given_name="Leah").cases.get()
    page = visitor.page
    demo_sign_in(visitor, "idva.clarke")
    visitor.goto(f"/cases/{case.pk}/action-plan/")
    page.get_by_role("link", name="Printable plan for the person").click()
    visitor.check()
    plan = page.get_by_test_id("person-plan")
    agencies = plan.get_by_test_id("plan-agency")
    expect(agencies).to_have_count(4)
    expect(plan).not_to_contain_text("Change Pathways")
    expect(plan).not_to_contain_text("Adult Social Care")
    safe_haven = agencies.filter(has_text="Safe Haven")
    expect(safe_haven.get_by_test_id("contact-route").filter(has_text="IDVA service")
           ).to_contain_text("01632 960 140")
    expect(safe_haven).to_contain_text("Review the safety plan with Leah.")
    expect(plan.get_by_test_id("only-for")).to_contain_text(
        "This plan is only for you, Leah Fairweather")
    if visitor.page._wraparound_js:
        printed = "\n".join(p.extract_text() for p in PdfReader(
            io.BytesIO(page.pdf(format="A4"))).pages)
        assert "Print this plan only for" not in printed  # the practitioner's warning
        assert "01632 960 140" in printed and "Change Pathways" not in printed


def test_adding_a_note_with_htmx_breaks_no_csp_rule_and_groups_system_entries(page, live_server):
    """After a note is added (htmx swaps the chronology in), the console shows no Content
    Security Policy error; the MARAC listing's system entries are one grouped entry."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from apps.people.models import Person

    case = Person.objects.get(given_name="Amina").cases.get()
    visitor = type("V", (), {})()
    visitor.page = page
    visitor.goto = lambda path: (page.goto(live_server.url + path), axe_check(page))
    demo_sign_in(visitor, "pc.jones")
    visitor.goto(f"/cases/{case.pk}/")
    group = page.get_by_test_id("timeline-group").first
    expect(group).to_contain_text("involved on the MARAC basis")
    page.get_by_label("Note", exact=True).fill("Called Amina at the agreed time.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("Called Amina at the agreed time.")
    page.wait_for_timeout(500)
    axe_check(page)  # includes: no CSP error in the console
    # Filter by kind, with the filters kept on the "Older entries" pages.
    page.get_by_label("Kind", exact=True).select_option("incident")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("timeline")).not_to_contain_text("Called Amina")
    axe_check(page)


def test_the_owner_list_offers_the_owner_agencys_staff_and_sign_out_stays_on_one_line(
        visitor, world):
    from tests.factories import involve, make_case

    case = make_case(lead=world.lead_practitioner)
    involve(case=case, manager=world.lead_manager, agency=world.partner)
    page = visitor.page
    page.set_viewport_size({"width": 1280, "height": 800})
    visitor.sign_in(world.lead_admin)
    sign_out = page.get_by_role("button", name="Sign out")
    box = sign_out.bounding_box()
    line = float(sign_out.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    assert box and box["height"] < 1.5 * line, (box, line)  # "Sign out" does not wrap

    page.context.clear_cookies()
    visitor.sign_in(world.lead_practitioner)
    visitor.goto(f"/cases/{case.pk}/action-plan/")
    owner = page.locator("select[data-owner-for]")  # with JS: hidden behind a search box
    partner_staff = world.partner_practitioner.user.get_full_name() or \
        world.partner_practitioner.user.username
    expect(owner.locator(f"optgroup[label='{world.partner.name}']")).to_have_count(1)
    page.get_by_label("Owner agency").select_option(label=world.partner.name)
    visible = owner.locator("optgroup:not([hidden])")
    if page._wraparound_js:  # the search itself: tests/browser/test_owner_search.py
        expect(visible).to_have_count(1)
        expect(visible).to_have_attribute("label", world.partner.name)
    else:
        owner.select_option(label=partner_staff)
    visitor.check()
