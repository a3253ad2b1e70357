from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.agencies.models import Role
from apps.agencies.services import membership_add, membership_end
from apps.audit.models import AccessEvent
from apps.cases.models import Case, CasePerson
from apps.people.models import Person
from tests.conftest import client_for
from tests.factories import PersonFactory, make_case, make_member

pytestmark = pytest.mark.django_db


def person_form_data(**overrides: str) -> dict[str, str]:
    data = {
        "given_name": "Alex", "family_name": "Ravensworth", "other_names": "",
        "date_of_birth_day": "17", "date_of_birth_month": "5", "date_of_birth_year": "1990",
        "gender": "female", "ethnicity": "White British", "disability": "",
        "address_line_1": "12 Quiet Lane", "address_line_2": "", "town": "Northbridge",
        "postcode": "NB1 2AB", "address_restricted": "on", "phone": "07700 900123",
        "email": "", "may_phone": "on", "may_text": "", "may_write": "",
        "may_leave_voicemail": "", "safe_times": "Weekdays 10–12", "safe_word": "bluebell",
        "communication_needs": "Prefers written follow-up.",
        "summary": "Disclosed abuse at A&E.", "risk_level": "high", "restricted": "",
    }
    data.update(overrides)
    return data


def detail_url(person: Person) -> str:
    return reverse("people:detail", args=[person.pk])


def test_outsider_gets_404_and_no_rows(world, shared_case):
    subject = shared_case.subject
    for membership in (world.outsider_practitioner, world.outsider_manager):
        client = client_for(membership)
        assert client.get(detail_url(subject)).status_code == 404
        response = client.post(reverse("people:open-case", args=[subject.pk]),
                               {"risk_level": "standard"})
        assert response.status_code == 404
        page = client.get(reverse("people:list"))
        assert page.status_code == 200
        assert page.context["page"].items == []
        assert subject.family_name not in page.content.decode()
        searched = client.post(reverse("people:list"), {"q": subject.family_name})
        assert searched.context["page"].items == []
    assert Case.objects.filter(subject=subject).count() == 1


def test_partner_sees_people_on_shared_cases(world, shared_case):
    client = client_for(world.partner_practitioner)
    page = client.get(reverse("people:list"))
    assert [p.pk for p in page.context["page"].items] == [shared_case.subject.pk]
    response = client.get(detail_url(shared_case.subject))
    assert response.status_code == 200
    assert shared_case.reference in response.content.decode()
    assert AccessEvent.objects.filter(object_id=shared_case.subject.pk, action="view",
                                      agency=world.partner).exists()


def test_restricted_address_is_hidden_from_the_partner_on_the_person_page(world):
    case = make_case(lead=world.lead_practitioner, address_restricted=True,
                     address_line_1="7 Hidden Row")
    from tests.factories import involve
    involve(case=case, manager=world.lead_manager, agency=world.partner)
    lead_page = client_for(world.lead_practitioner).get(detail_url(case.subject))
    assert "7 Hidden Row" in lead_page.content.decode()
    partner_page = client_for(world.partner_practitioner).get(detail_url(case.subject))
    assert "7 Hidden Row" not in partner_page.content.decode()
    assert "Address restricted" in partner_page.content.decode()


def test_unrestricted_address_shows_to_the_partner(world, shared_case):
    page = client_for(world.partner_practitioner).get(detail_url(shared_case.subject))
    assert shared_case.subject.address_line_1 in page.content.decode()


def test_secondee_sees_only_what_the_acting_agency_may_see(world, shared_case):
    secondee = make_member(agency=world.outsider)
    second = membership_add(actor=None, user=secondee.user, agency=world.partner,
                            role=Role.PRACTITIONER)
    as_outsider = client_for(secondee)
    assert as_outsider.get(detail_url(shared_case.subject)).status_code == 404
    assert as_outsider.get(reverse("people:list")).context["page"].items == []
    as_partner = client_for(second)
    assert as_partner.get(detail_url(shared_case.subject)).status_code == 200
    assert len(as_partner.get(reverse("people:list")).context["page"].items) == 1


def test_ended_membership_sees_nothing(world, shared_case):
    client = client_for(world.partner_practitioner)
    membership_end(actor=None, membership=world.partner_practitioner)
    assert client.get(detail_url(shared_case.subject)).status_code == 302
    client = client_for(world.partner_practitioner)
    assert client.get(detail_url(shared_case.subject)).status_code == 403
    assert client.get(reverse("people:list")).status_code == 403
    assert client.post(reverse("people:create"), person_form_data()).status_code == 403
    assert not Person.objects.filter(family_name="Ravensworth").exists()


def test_create_person_opens_a_case_and_goes_to_it(world):
    client = client_for(world.lead_practitioner)
    assert client.get(reverse("people:create")).status_code == 200
    response = client.post(reverse("people:create"), person_form_data())
    assert response.status_code == 302
    person = Person.objects.get(family_name="Ravensworth")
    case = Case.objects.get(subject=person)
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert "Ravensworth" not in response["Location"]
    assert person.date_of_birth == datetime.date(1990, 5, 17)
    assert person.address_restricted and person.may_phone and not person.may_text
    assert person.safe_word == "bluebell"
    assert person.created_by_agency == world.lead
    assert case.lead_agency == world.lead and case.risk_level == "high"
    assert case.summary == "Disclosed abuse at A&E."
    assert AccessEvent.objects.filter(object_id=person.pk, action="create").exists()


@pytest.mark.parametrize(("overrides", "message"), [
    ({"given_name": ""}, "Enter the person&#x27;s first name."),
    ({"family_name": ""}, "Enter the person&#x27;s last name."),
    ({"date_of_birth_month": ""}, "Date of birth must include a month"),
    ({"date_of_birth_day": "31", "date_of_birth_month": "2"}, "Date of birth must be a real date"),
    ({"date_of_birth_year": "2999"}, "Date of birth must be today or in the past"),
    ({"date_of_birth_year": "90"}, "Year must include 4 numbers"),
    ({"email": "not-an-email"}, "Enter an email address in the correct format"),
    ({"risk_level": "extreme"}, "Choose a risk level."),
])
def test_bad_input_shows_an_error_summary_and_saves_nothing(world, overrides, message):
    client = client_for(world.lead_practitioner)
    people, cases = Person.objects.count(), Case.objects.count()
    response = client.post(reverse("people:create"), person_form_data(**overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert "govuk-form-group--error" in page
    assert Person.objects.count() == people and Case.objects.count() == cases


def test_date_error_links_to_the_day_box(world):
    response = client_for(world.lead_practitioner).post(
        reverse("people:create"), person_form_data(date_of_birth_day=""))
    page = response.content.decode()
    assert 'href="#id_date_of_birth_day"' in page
    assert 'id="id_date_of_birth_day"' in page
    assert 'value="1990"' in page  # what was typed is kept


def test_duplicate_check_is_offered_before_creating(world):
    existing = PersonFactory(given_name="Alex", family_name="Ravensworth",
                             date_of_birth=datetime.date(1990, 5, 17),
                             created_by_agency=world.lead)
    client = client_for(world.lead_practitioner)
    response = client.post(reverse("people:create"), person_form_data(given_name="alex"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Is this the same person?" in page
    assert response.context["duplicates"] == [existing]
    assert reverse("people:open-case", args=[existing.pk]) in page
    assert "Not the same person: create anyway" in page
    assert 'name="confirm_new"' in page
    assert Person.objects.count() == 1 and not Case.objects.exists()

    response = client.post(reverse("people:create"),
                           person_form_data(confirm_new="True", given_name="alex"))
    assert response.status_code == 302
    assert Person.objects.filter(family_name="Ravensworth").count() == 2


def test_yes_opens_a_case_for_the_existing_record(world):
    existing = PersonFactory(given_name="Alex", family_name="Ravensworth",
                             created_by_agency=world.lead)
    client = client_for(world.lead_practitioner)
    response = client.post(reverse("people:open-case", args=[existing.pk]),
                           {"summary": "Second referral.", "risk_level": "medium"})
    assert response.status_code == 302
    case = Case.objects.get(subject=existing)
    assert case.risk_level == "medium" and case.lead_agency == world.lead
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert Person.objects.count() == 1


def test_open_case_with_bad_input_saves_nothing(world, shared_case):
    client = client_for(world.partner_practitioner)
    response = client.post(reverse("people:open-case", args=[shared_case.subject.pk]),
                           {"risk_level": "nonsense"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert Case.objects.filter(subject=shared_case.subject).count() == 1


def test_duplicate_check_never_reveals_people_the_actor_cannot_see(world, shared_case):
    subject = shared_case.subject
    client = client_for(world.outsider_practitioner)
    response = client.post(reverse("people:create"), person_form_data(
        given_name=subject.given_name, family_name=subject.family_name,
        date_of_birth_day=str(subject.date_of_birth.day),
        date_of_birth_month=str(subject.date_of_birth.month),
        date_of_birth_year=str(subject.date_of_birth.year)))
    assert response.status_code == 302  # no match offered: created straight away
    assert Person.objects.filter(family_name=subject.family_name).count() == 2


def test_search_is_posted_so_no_name_reaches_a_url(world):
    for name in ("Abbottson", "Bakerfield", "Carterhaugh"):
        make_case(lead=world.lead_practitioner, family_name=name, given_name="Jo")
    client = client_for(world.lead_practitioner)
    response = client.post(reverse("people:list"), {"q": "bak"})
    assert [p.family_name for p in response.context["page"].items] == ["Bakerfield"]
    page = response.content.decode()
    assert 'method="post"' in page and "?q=" not in page
    # a name put in the URL by hand is ignored
    assert len(client.get(reverse("people:list"), {"q": "bak"}).context["page"].items) == 3


def test_people_list_paginates_by_keyset_with_an_id_cursor(world):
    for i in range(55):
        PersonFactory(family_name=f"Family{i:02d}", created_by_agency=world.lead)
    client = client_for(world.lead_practitioner)
    first = client.get(reverse("people:list"))
    assert len(first.context["page"].items) == 50
    after = first.context["page"].next_after
    assert f"?after={after}" in first.content.decode()
    second = client.get(reverse("people:list"), {"after": str(after)})
    names = [p.family_name for p in first.context["page"].items + second.context["page"].items]
    assert names == [f"Family{i:02d}" for i in range(55)]
    assert second.context["page"].next_after is None
    searched = client.post(reverse("people:list"), {"q": "family"})
    assert searched.context["page"].next_after is not None
    more = client.post(reverse("people:list"),
                       {"q": "family", "after": str(searched.context["page"].next_after)})
    assert len(more.context["page"].items) == 5


def test_people_list_query_count_does_not_grow(world):
    client = client_for(world.lead_practitioner)
    for _ in range(5):
        make_case(lead=world.lead_practitioner)
    url = reverse("people:list")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(45):
        make_case(lead=world.lead_practitioner)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_person_detail_shows_the_recorded_details(world):
    client = client_for(world.lead_practitioner)
    client.post(reverse("people:create"), person_form_data(restricted="on"))
    person = Person.objects.get(family_name="Ravensworth")
    page = client.get(detail_url(person)).content.decode()
    for text in ("17 May 1990", "White British", "12 Quiet Lane", "07700 900123", "May phone",
                 "Weekdays 10–12", "Prefers written follow-up."):
        assert text in page, text
    assert CasePerson.objects.filter(person=person, role="subject").count() == 1
