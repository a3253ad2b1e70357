"""The printable plan for the person (issue 16), on the demo: plain language, only the agencies
working with the person with their contact routes, what matters to them first, and printed
only for them."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.cases.models import Case, Involvement
from apps.people.models import Person
from tests.cases.test_sections_demo import client_for, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def leahs_case() -> Case:
    return Person.objects.get(given_name="Leah").cases.get()


def test_leahs_plan_lists_only_the_agencies_working_with_her(demo):
    case = leahs_case()
    # Sitting at the MARAC only, or working with the person causing harm, is not working
    # with Leah: the perpetrator programme is involved but must never be on her plan.
    assert Involvement.objects.filter(case=case, agency__name="Change Pathways",
                                      ended_at__isnull=True).exists()
    html = client_for(member("pc.jones")).get(
        f"/cases/{case.pk}/action-plan/print/").content.decode()
    assert html.count('data-testid="plan-agency"') == 4
    for name in ("Northbridge Police", "Safe Haven", "Children&#x27;s Services",
                 "Housing Options"):
        assert name in html, name
    for name in ("Change Pathways", "Perpetrator programme", "Adult Social Care",
                 "Probation", "Bridgeway Recovery CIC"):
        assert name not in html, name
    # Contact routes from the service directory; what each will do and by when.
    assert "IDVA service:" in html and "01632 960 140" in html
    assert "call <strong>101</strong>" in html
    assert "Review the safety plan with Leah. By " in html
    # What matters to her comes first, before who is helping.
    assert html.index("What you told us matters to you") < html.index("Who is helping you")
    assert "I want Ruby to feel safe at home" in html
    # Printed only for her, and the page says so; nobody else on the case is named.
    assert "This plan is only for you, Leah Fairweather" in html
    assert "Print this plan only for Leah Fairweather" in html
    assert "Dean" not in html and "Ruby (10)" not in html
    if case.subject.safe_word:
        assert case.subject.safe_word not in html


def test_the_plan_respects_safe_contact_preferences(demo):
    case = leahs_case()
    person = case.subject
    Person.objects.filter(pk=person.pk).update(may_phone=True, may_text=False, may_write=False,
                                               may_leave_voicemail=False,
                                               safe_times="After 6pm only")
    html = client_for(member("pc.jones")).get(
        f"/cases/{case.pk}/action-plan/print/").content.decode()
    assert "We will not send you letters." in html and "We will not text you." in html
    assert "We will not leave voicemail messages." in html
    assert "hand it over, do not post it" in html
    assert "After 6pm only" not in html  # the plan may be found: it never prints the times


def test_a_harm_side_agency_sees_no_victim_helpers_on_the_plan(demo):
    case = leahs_case()
    response = client_for(member("mgr.changepathways")).get(
        f"/cases/{case.pk}/action-plan/print/")
    # MARAC scope: its own actions only; it owns none on Leah's plan, and it is never listed.
    if response.status_code == 200:
        html = response.content.decode()
        plan = html[html.index('data-testid="person-plan"'):html.index("</main>")]
        assert 'data-testid="plan-agency"' not in plan
        assert "Safe Haven" not in plan and "01632 960 140" not in plan
    else:
        assert response.status_code == 404
