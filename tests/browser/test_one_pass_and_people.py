"""Issue 16 in a browser, JavaScript on and off, axe clean on every page: a blank referral
shows all its errors at once; creating a near-duplicate person offers the match; a manager
merges two records of the same person and the survivor keeps every case and note."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from apps.audit.models import AccessEvent
from apps.cases.models import CaseNote, CasePerson
from apps.cases.services import case_note_add
from apps.people.models import Person
from tests.browser.dates import fill_date
from tests.factories import PersonFactory, actor_of, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOB = datetime.date(1994, 4, 9)


def _submit(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_a_blank_referral_shows_every_error_at_once(visitor, world):
    case = make_case(lead=world.lead_practitioner)
    visitor.sign_in(world.lead_practitioner)
    visitor.goto(f"/cases/{case.pk}/refer/")
    page = visitor.page
    page.get_by_label("What you are sharing").fill("")
    _submit(page, "Send referral")
    summary = page.locator(".govuk-error-summary")
    for message in ("Choose the service you are referring to.",
                    "Enter the reason for the referral.",
                    "Enter what you are sharing with the receiving agency.",
                    "Record the basis for sharing: consent or a lawful basis."):
        expect(summary).to_contain_text(message)
    assert summary.locator("li").count() == 4
    visitor.check()
    # Consent chosen, the person not told: who consented, when, and why not told, at once.
    page.get_by_role("group", name="Basis for sharing").get_by_label(
        "Consent", exact=False).first.check()
    page.get_by_role("group", name="Does the person know about this referral?").get_by_label(
        "No").check()
    _submit(page, "Send referral")
    for message in ("Select who gave consent.", "Enter the date consent was given.",
                    "Explain why the person has not been told.",
                    "Enter the reason for the referral."):
        expect(summary).to_contain_text(message)
    visitor.check()


def test_creating_a_near_duplicate_person_offers_the_match(visitor, world):
    existing = PersonFactory(given_name="Kayleigh", family_name="Brooks", date_of_birth=DOB,
                             created_by_agency=world.lead)
    visitor.sign_in(world.lead_practitioner)
    visitor.goto("/people/new/")
    page = visitor.page
    page.get_by_label("First name").fill("Kayley")
    page.get_by_label("Last name").fill("Brookes")
    fill_date(page, "Date of birth (optional)", DOB)
    _submit(page, "Add person and open case")
    expect(page.get_by_role("heading", name="Is this the same person?")).to_be_visible()
    matches = page.get_by_test_id("duplicates")
    expect(matches).to_contain_text("Kayleigh Brooks")
    expect(matches).to_contain_text("same date of birth")
    visitor.check()
    assert Person.objects.count() == 1
    page.get_by_role("button", name="Use this person").click()
    page.wait_for_load_state()
    visitor.check()
    assert Person.objects.count() == 1
    assert CasePerson.objects.filter(person=existing, role="subject").exists()


def test_a_manager_merges_two_records_and_keeps_every_case_and_note(visitor, world):
    first = make_case(lead=world.lead_practitioner, given_name="Kayleigh",
                      family_name="Brooks", date_of_birth=DOB)
    second = make_case(lead=world.lead_practitioner, given_name="Kayley",
                       family_name="Brookes", date_of_birth=DOB)
    case_note_add(actor=actor_of(world.lead_practitioner), case=second,
                  text="Home visit to Kayley.")
    visitor.sign_in(world.lead_manager)
    visitor.goto(f"/people/{first.subject_id}/")
    page = visitor.page
    page.get_by_role("link", name="Find other records of this person").click()
    page.wait_for_load_state()
    visitor.check()
    page.get_by_role("link", name="Kayley Brookes").click()
    page.wait_for_load_state()
    visitor.check()
    page.get_by_label("Why are these records the same person?").fill(
        "Same woman: two spellings at two call-outs.")
    _submit(page, "Merge the other record into this one")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Records merged")
    cases = page.get_by_test_id("person-cases")
    expect(cases).to_contain_text(first.reference)
    expect(cases).to_contain_text(second.reference)
    expect(page.get_by_test_id("person-links")).to_contain_text("Kayley Brookes")
    visitor.check()
    assert CaseNote.objects.filter(case=second, text="Home visit to Kayley.").exists()
    assert CaseNote.objects.filter(case=second, text__contains="merged into").exists()
    assert AccessEvent.objects.filter(object_id=second.subject_id, action="merge").exists()
