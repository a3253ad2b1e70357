"""One person, two records: likely matches before creating, link (and undo), merge."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.audit.models import AccessEvent
from apps.cases.models import Case, CaseNote, CasePerson, NoteKind
from apps.cases.services import case_note_add, case_person_create
from apps.consent.models import ConsentRecord
from apps.consent.services import consent_record
from apps.core.exceptions import NotPermitted, ServiceError
from apps.people.identity_services import person_link, person_merge, person_unlink
from apps.people.matching import name_key, near_dates
from apps.people.models import Person, PersonLink, PersonMerge
from apps.people.selectors import person_list, person_matches
from tests.conftest import api_client_for, client_for
from tests.factories import PersonFactory, actor_of, make_case

pytestmark = pytest.mark.django_db
DOB = datetime.date(1994, 4, 9)


def test_name_keys_hear_variants_alike():
    assert name_key("Kayleigh") == name_key("Kayley") == name_key("Kaylee")
    assert name_key("Brooks") == name_key("Brookes")
    assert name_key("Steve") == name_key("Stephen") == name_key("Steven")
    assert name_key("Kate") == name_key("Katherine") == name_key("Catherine")
    assert name_key("Brooks") != name_key("Banks")


def test_near_dates_are_swapped_day_month_or_a_year_out():
    assert near_dates(DOB) == {datetime.date(1994, 9, 4), datetime.date(1993, 4, 9),
                               datetime.date(1995, 4, 9)}


def _kayleigh(world, **extra):
    return PersonFactory(given_name="Kayleigh", family_name="Brooks", date_of_birth=DOB,
                         postcode="NB1 8SS", created_by_agency=world.lead, **extra)


def test_matches_sound_alike_names_close_dates_and_postcode_but_only_visible_people(world):
    mine = _kayleigh(world)
    PersonFactory(given_name="Kayleigh", family_name="Brooks", date_of_birth=DOB,
                  created_by_agency=world.outsider)  # not visible to the lead agency
    PersonFactory(given_name="Kayleigh", family_name="Brooks",
                  date_of_birth=datetime.date(1970, 1, 1), created_by_agency=world.lead)
    actor = actor_of(world.lead_practitioner)
    found = person_matches(actor=actor, given_name="Kayley", family_name="Brookes",
                           date_of_birth=DOB, postcode="")
    assert found == [mine]
    assert "same date of birth" in found[0].match.reasons
    # the day and month swapped, only the family name alike: still offered
    assert person_matches(actor=actor, given_name="Kim", family_name="Brookes",
                          date_of_birth=datetime.date(1994, 9, 4)) == [mine]
    # one name and the postcode, no date of birth given
    assert person_matches(actor=actor, given_name="Kim", family_name="Brooks",
                          date_of_birth=None, postcode="nb18ss") == [mine]
    # nothing alike
    assert person_matches(actor=actor, given_name="Kim", family_name="Banks",
                          date_of_birth=DOB) == []


def test_the_match_step_is_one_query(world):
    for n in range(5):
        PersonFactory(given_name="Kayleigh", family_name="Brooks",
                      date_of_birth=DOB + datetime.timedelta(days=n), created_by_agency=world.lead)
    actor = actor_of(world.lead_practitioner)
    with CaptureQueriesContext(connection) as queries:
        person_matches(actor=actor, given_name="Kayley", family_name="Brookes",
                       date_of_birth=DOB, postcode="NB1 8SS")
    assert len(queries) == 1


def test_creating_a_near_duplicate_offers_the_match_in_the_ui_and_the_api(world):
    existing = _kayleigh(world)
    client = client_for(world.lead_practitioner)
    from tests.people.test_views import person_form_data

    response = client.post(reverse("people:create"), person_form_data(
        given_name="Kayley", family_name="Brookes", date_of_birth_day="9",
        date_of_birth_month="4", date_of_birth_year="1994"))
    assert response.status_code == 200
    assert response.context["duplicates"] == [existing]
    assert "Use this person" in response.content.decode()
    api = api_client_for(world.lead_practitioner)
    body = {"given_name": "Kayley", "family_name": "Brookes", "date_of_birth": "1994-04-09"}
    answer = api.post("/api/v1/people/", body, format="json")
    assert answer.status_code == 409
    assert answer.json()["possible_matches"] == [str(existing.pk)]
    assert Person.objects.count() == 1
    answer = api.post("/api/v1/people/", {**body, "confirm_new": True}, format="json")
    assert answer.status_code == 201


def _two_records(world):
    """The same woman recorded twice, each with a case led by the lead agency."""
    first = _kayleigh(world)
    second = PersonFactory(given_name="Kayley", family_name="Brookes", date_of_birth=DOB,
                           created_by_agency=world.lead, phone="07700 900999")
    case_a = make_case(lead=world.lead_practitioner)
    case_a.subject = first
    case_a.save()
    CasePerson.objects.filter(case=case_a, role="subject").update(person=first)
    case_b = make_case(lead=world.lead_practitioner)
    case_b.subject = second
    case_b.save()
    CasePerson.objects.filter(case=case_b, role="subject").update(person=second)
    return first, second, case_a, case_b


def test_a_manager_links_and_unlinks_with_notes_and_audit(world):
    first, second, case_a, case_b = _two_records(world)
    manager = actor_of(world.lead_manager)
    link = person_link(actor=manager, person=first, other=second, reason="Same NI number.")
    assert CaseNote.objects.filter(kind=NoteKind.SYSTEM, case=case_b,
                                   text__contains="linked").exists()
    assert AccessEvent.objects.filter(object_id=second.pk, action="link").exists()
    page = client_for(world.lead_manager).get(reverse("people:detail", args=[first.pk]))
    assert "Linked as the same person" in page.content.decode()
    person_unlink(actor=manager, link=link)
    link.refresh_from_db()
    assert link.unlinked_at is not None
    assert CaseNote.objects.filter(case=case_a, text__contains="undone").exists()


def test_a_practitioner_or_an_outsider_may_not_link(world):
    first, second, *_ = _two_records(world)
    with pytest.raises(NotPermitted):
        person_link(actor=actor_of(world.lead_practitioner), person=first, other=second,
                    reason="x")
    outsider = client_for(world.outsider_manager)
    url = reverse("people:same-person-decide", args=[first.pk, second.pk])
    assert outsider.post(url, {"reason": "x", "action": "link"}).status_code == 404
    assert client_for(world.lead_practitioner).get(url).status_code == 404
    assert not PersonLink.objects.exists()


def test_a_merge_keeps_every_case_note_and_consent_and_the_audit(world):
    first, second, case_a, case_b = _two_records(world)
    practitioner = actor_of(world.lead_practitioner)
    case_note_add(actor=practitioner, case=case_b, text="Home visit to Kayley.")
    child = case_person_create(actor=practitioner, case=case_b, person_data={
        "given_name": "Ruby", "family_name": "Brookes"}, role="child")
    consent_record(actor=practitioner, person=second, given_by="person",
                   given_on=datetime.date(2026, 1, 5), method="verbal",
                   scope_agency_kinds=["voluntary"], purposes=["referral"],
                   review_date=datetime.date(2027, 1, 5))
    client = client_for(world.lead_manager)
    response = client.post(reverse("people:same-person-decide", args=[first.pk, second.pk]),
                           {"reason": "Same person: one record per spelling.",
                            "action": "merge"})
    assert response.status_code == 302
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.merged_into == first
    assert Case.objects.get(pk=case_b.pk).subject == first
    assert CasePerson.objects.filter(case=case_b, person=first, role="subject").exists()
    assert ConsentRecord.objects.filter(person=first).count() == 1
    assert CaseNote.objects.filter(case=case_b, text="Home visit to Kayley.").exists()
    assert CaseNote.objects.filter(case=case_b, text__contains="merged into").exists()
    assert CaseNote.objects.filter(case=case_a, text__contains="merged into").exists()
    assert first.phone == "07700 900999"  # a blank detail filled from the merged record
    assert child is not None
    merge = PersonMerge.objects.get()
    assert merge.moved["details_filled"] >= 1
    assert AccessEvent.objects.filter(object_id=second.pk, action="merge").exists()
    assert AccessEvent.objects.filter(object_id=first.pk, action="merge_into").exists()
    actor = actor_of(world.lead_manager)
    assert second not in person_list(actor=actor)  # the tombstone is no longer listed
    page = client.get(reverse("people:detail", args=[first.pk])).content.decode()
    assert "Merged into this record" in page
    # the merged record's old address leads to the survivor; for an outsider it does not exist
    response = client.get(reverse("people:detail", args=[second.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[first.pk])
    assert client_for(world.outsider_manager).get(
        reverse("people:detail", args=[second.pk])).status_code == 404


def _snapshot():
    return (list(Person.objects.order_by("pk").values_list("pk", "merged_into_id")),
            list(CasePerson.objects.order_by("pk").values_list("pk", "person_id")),
            list(Case.objects.order_by("pk").values_list("pk", "subject_id")),
            CaseNote.objects.count(), PersonMerge.objects.count())


def test_unsafe_merges_are_refused_with_nothing_changed(world):
    first, second, *_ = _two_records(world)
    manager = actor_of(world.lead_manager)
    Person.objects.filter(pk=second.pk).update(address_restricted=True)
    second.refresh_from_db()
    before = _snapshot()
    with pytest.raises(ServiceError, match="restricted address"):
        person_merge(actor=manager, survivor=first, merged=second, reason="Same.")
    assert _snapshot() == before
    Person.objects.filter(pk=second.pk).update(address_restricted=False,
                                               date_of_birth=datetime.date(1995, 4, 9))
    second.refresh_from_db()
    response = client_for(world.lead_manager).post(
        reverse("people:same-person-decide", args=[first.pk, second.pk]),
        {"reason": "Same.", "action": "merge"})
    assert response.status_code == 400
    assert "The dates of birth differ" in response.content.decode()
    assert _snapshot() == before
    api = api_client_for(world.lead_manager)
    answer = api.post("/api/v1/person-merges/", {"survivor": str(first.pk),
                                                 "merged": str(second.pk), "reason": "Same."},
                      format="json")
    assert answer.status_code == 400 and "date_of_birth_reason" in answer.json()
    assert _snapshot() == before
    # with a reason the merge goes ahead
    answer = api.post("/api/v1/person-merges/", {
        "survivor": str(first.pk), "merged": str(second.pk), "reason": "Same.",
        "date_of_birth_reason": "The year on the second record was a typing slip."},
        format="json")
    assert answer.status_code == 201, answer.json()


def test_the_api_links_undoes_and_hides_records_from_outsiders(world):
    first, second, *_ = _two_records(world)
    body = {"person": str(first.pk), "other": str(second.pk), "reason": "Same person."}
    assert api_client_for(world.outsider_manager).post(
        "/api/v1/person-links/", body, format="json").status_code == 404
    assert api_client_for(world.lead_practitioner).post(
        "/api/v1/person-links/", body, format="json").status_code == 403
    assert not PersonLink.objects.exists()
    api = api_client_for(world.lead_manager)
    answer = api.post("/api/v1/person-links/", body, format="json")
    assert answer.status_code == 201
    link_id = answer.json()["id"]
    assert api_client_for(world.outsider_manager).post(
        f"/api/v1/person-links/{link_id}/undo/").status_code == 404
    assert api.post(f"/api/v1/person-links/{link_id}/undo/").status_code == 200
    assert api.post(f"/api/v1/person-links/{link_id}/undo/").status_code == 409
