from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from apps.cases.models import CaseNote
from tests.factories import involve, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_open_a_case_and_add_a_note(visitor, world):
    case = make_case(lead=world.lead_practitioner, given_name="Robin", family_name="Example")
    involve(case=case, manager=world.lead_manager, agency=world.partner)
    page = visitor.page

    visitor.sign_in(world.lead_practitioner)
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    expect(page.get_by_test_id("acting-agency")).to_have_text(world.lead.name)

    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_role("link", name=case.reference).click()
    page.wait_for_load_state()
    visitor.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin Example")

    page.get_by_label("Note", exact=True).fill("Spoke to Robin at the agreed safe time.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_test_id("timeline")).to_contain_text(
        "Spoke to Robin at the agreed safe time.")
    visitor.check()
    assert CaseNote.objects.filter(case=case, text__startswith="Spoke to Robin").count() == 1


def test_note_errors_are_announced_and_nothing_saved(visitor, world):
    case = make_case(lead=world.lead_practitioner)
    visitor.sign_in(world.lead_practitioner)
    visitor.goto(f"/cases/{case.pk}/")
    before = CaseNote.objects.count()
    visitor.page.get_by_role("button", name="Add note").click()
    expect(visitor.page.get_by_text("There is a problem")).to_be_visible()
    visitor.check()
    assert CaseNote.objects.count() == before


def test_outsider_gets_not_found(visitor, world):
    case = make_case(lead=world.lead_practitioner)
    visitor.sign_in(world.outsider_practitioner)
    response = visitor.page.goto(f"{visitor.base_url}/cases/{case.pk}/")
    assert response.status == 404
    assert not re.search(case.reference, visitor.page.content())


def test_person_create_offers_the_duplicate(visitor, world):
    existing = make_case(lead=world.lead_practitioner, given_name="Casey", family_name="Dup")
    visitor.sign_in(world.lead_practitioner)
    visitor.goto("/people/new/")
    page = visitor.page
    page.get_by_label("First name").fill("Casey")
    page.get_by_label("Last name").fill("Dup")
    page.get_by_label("Day").fill("17")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("1990")
    page.get_by_role("button", name="Add person and open case").click()
    expect(page.get_by_test_id("duplicates")).to_contain_text("Casey Dup")
    visitor.check()
    assert existing.subject.full_name == "Casey Dup"
