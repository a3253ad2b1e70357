from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.agencies.models import Role
from apps.agencies.services import membership_add, membership_end
from apps.audit.models import AccessEvent
from apps.cases.models import CaseNote, CasePerson, NoteVisibility
from apps.cases.services import case_note_add, case_person_create
from apps.people.models import Person, Relationship
from apps.people.services import relationship_add
from tests.conftest import client_for
from tests.factories import PersonFactory, actor_of, involve, make_agency, make_case, make_member

pytestmark = pytest.mark.django_db


def case_urls(case) -> list[str]:
    involvement = case.involvements.exclude(role="lead").first() or case.involvements.first()
    return [
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:edit", args=[case.pk]),
        reverse("cases:involvement-add", args=[case.pk]),
        reverse("cases:involvement-end", args=[case.pk, involvement.pk]),
        reverse("cases:key-worker", args=[case.pk, involvement.pk]),
        reverse("cases:person-add", args=[case.pk]),
    ]


def test_uninvolved_agency_gets_404_everywhere_and_no_rows(world, shared_case):
    for membership in (world.outsider_practitioner, world.outsider_manager):
        client = client_for(membership)
        for url in case_urls(shared_case):
            assert client.get(url).status_code == 404, url
        response = client.post(reverse("cases:note-add", args=[shared_case.pk]),
                                {"text": "x", "kind": "note", "visibility": "shared"})
        assert response.status_code == 404
        assert shared_case.reference not in client.get(reverse("cases:my-work")).content.decode()
    assert not CaseNote.objects.filter(text="x").exists()


def test_lead_practitioner_sees_the_case_and_adds_a_note(world, shared_case):
    client = client_for(world.lead_practitioner)
    response = client.get(reverse("cases:my-work"))
    assert shared_case.reference in response.content.decode()
    response = client.post(reverse("cases:note-add", args=[shared_case.pk]),
                           {"text": "Home visit done.", "kind": "contact",
                            "visibility": "shared"})
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", args=[shared_case.pk])).content.decode()
    assert "Home visit done." in page


def test_empty_note_shows_an_error_summary_and_saves_nothing(world, shared_case):
    client = client_for(world.lead_practitioner)
    before = CaseNote.objects.count()
    response = client.post(reverse("cases:note-add", args=[shared_case.pk]),
                           {"text": "", "kind": "note", "visibility": "shared"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert "Enter the note." in response.content.decode()
    assert CaseNote.objects.count() == before


def test_partner_sees_shared_notes_never_the_leads_agency_notes(world, shared_case):
    lead = actor_of(world.lead_practitioner)
    case_note_add(actor=lead, case=shared_case, text="Shared with partners.")
    case_note_add(actor=lead, case=shared_case, text="Police eyes only.",
                  visibility=NoteVisibility.AGENCY)
    page = client_for(world.partner_practitioner).get(
        reverse("cases:detail", args=[shared_case.pk])).content.decode()
    assert "Shared with partners." in page
    assert "Police eyes only." not in page


def test_partner_cannot_manage_involvements_or_edit(world, shared_case):
    client = client_for(world.partner_manager)
    assert client.get(reverse("cases:detail", args=[shared_case.pk])).status_code == 200
    for url in case_urls(shared_case)[1:4]:
        assert client.get(url).status_code == 404, url


def test_restricted_address_is_shown_only_to_the_lead_agency(world):
    case = make_case(lead=world.lead_practitioner, address_restricted=True,
                     address_line_1="7 Hidden Row")
    from tests.factories import involve
    involve(case=case, manager=world.lead_manager, agency=world.partner)
    url = reverse("cases:detail", args=[case.pk])
    assert "7 Hidden Row" in client_for(world.lead_practitioner).get(url).content.decode()
    partner_page = client_for(world.partner_practitioner).get(url).content.decode()
    assert "7 Hidden Row" not in partner_page
    assert "Address restricted" in partner_page


def test_manager_involves_and_ends_an_agency_which_loses_access_at_once(world):
    case = make_case(lead=world.lead_practitioner)
    manager = client_for(world.lead_manager)
    response = manager.post(reverse("cases:involvement-add", args=[case.pk]),
                            {"agency": world.partner.pk, "basis": "Consent to share."})
    assert response.status_code == 302
    partner = client_for(world.partner_practitioner)
    assert partner.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    involvement = case.involvements.get(agency=world.partner)
    response = manager.post(reverse("cases:involvement-end", args=[case.pk, involvement.pk]),
                            {"reason": "Support finished."})
    assert response.status_code == 302
    assert partner.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_involvement_without_basis_is_refused_with_an_error(world):
    case = make_case(lead=world.lead_practitioner)
    response = client_for(world.lead_manager).post(
        reverse("cases:involvement-add", args=[case.pk]), {"agency": world.partner.pk,
                                                           "basis": ""})
    assert response.status_code == 400
    assert "Enter the basis for involving this agency." in response.content.decode()
    assert not case.involvements.filter(agency=world.partner).exists()


def test_secondee_sees_only_what_the_acting_agency_may_see(world, shared_case):
    secondee = make_member(agency=world.outsider)
    second = membership_add(actor=None, user=secondee.user, agency=world.partner,
                            role=Role.PRACTITIONER)
    url = reverse("cases:detail", args=[shared_case.pk])
    assert client_for(secondee).get(url).status_code == 404
    assert client_for(second).get(url).status_code == 200


def test_ended_membership_sees_nothing(world, shared_case):
    client = client_for(world.partner_practitioner)
    membership_end(actor=None, membership=world.partner_practitioner)
    response = client.get(reverse("cases:detail", args=[shared_case.pk]))
    assert response.status_code == 302  # signed out: sessions ended with the membership
    client = client_for(world.partner_practitioner)
    assert client.get(reverse("cases:detail", args=[shared_case.pk])).status_code == 403


def _count_queries(client, url: str) -> int:
    client.get(url)  # warm up: the first request of a session also writes the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_my_work_and_case_page_query_counts_do_not_grow_with_data(world):
    lead = actor_of(world.lead_practitioner)
    client = client_for(world.lead_practitioner)
    cases = [make_case(lead=world.lead_practitioner) for _ in range(5)]
    for case in cases:
        case_note_add(actor=lead, case=case, text="note")
    small_list = _count_queries(client, reverse("cases:my-work"))
    small_case = _count_queries(client, reverse("cases:detail", args=[cases[0].pk]))
    for _ in range(45):
        make_case(lead=world.lead_practitioner)
    for _ in range(45):
        case_note_add(actor=lead, case=cases[0], text="more")
    assert _count_queries(client, reverse("cases:my-work")) == small_list
    assert _count_queries(client, reverse("cases:detail", args=[cases[0].pk])) == small_case


def test_my_work_paginates_by_keyset_and_filters(world):
    client = client_for(world.lead_practitioner)
    made = [make_case(lead=world.lead_practitioner) for _ in range(30)]
    first = client.get(reverse("cases:my-work"))
    assert first.context["page"].next_cursor
    second = client.get(reverse("cases:my-work"), {"cursor": first.context["page"].next_cursor})
    pages = [first.context["page"], second.context["page"]]
    seen = {c.pk for page in pages for c in page.items}
    assert seen == {c.pk for c in made}
    high = client.get(reverse("cases:my-work"), {"risk_level": "high"})
    assert high.context["page"].items == []


def person_data(**overrides: str) -> dict[str, str]:
    data = {"given_name": "Sam", "family_name": "Quillfeather", "gender": "male",
            "date_of_birth_day": "2", "date_of_birth_month": "11", "date_of_birth_year": "1988",
            "role": "alleged_perpetrator", "relationship_kind": "ex_partner"}
    data.update(overrides)
    return data


def test_partner_adds_a_person_related_to_the_subject(world, shared_case):
    client = client_for(world.partner_practitioner)
    url = reverse("cases:person-add", args=[shared_case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, person_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[shared_case.pk])
    link = CasePerson.objects.get(case=shared_case, person__family_name="Quillfeather")
    assert link.role == "alleged_perpetrator"
    assert Relationship.objects.filter(person=link.person, other=shared_case.subject,
                                       kind="ex_partner").exists()
    page = client.get(reverse("cases:detail", args=[shared_case.pk])).content.decode()
    assert "Sam Quillfeather" in page
    assert f"Ex-partner of {shared_case.subject.full_name}" in page
    lead_page = client_for(world.lead_practitioner).get(
        reverse("cases:detail", args=[shared_case.pk])).content.decode()
    assert "Sam Quillfeather" in lead_page


@pytest.mark.parametrize(("overrides", "message"), [
    ({"given_name": ""}, "Enter the person&#x27;s first name."),
    ({"role": ""}, "Choose the person&#x27;s role in the case."),
    ({"role": "subject"}, "Choose the person&#x27;s role in the case."),
    ({"relationship_kind": "enemy"}, "Choose how they are related to the subject."),
    ({"date_of_birth_year": "88"}, "Year must include 4 numbers"),
    ({"date_of_birth_day": "30", "date_of_birth_month": "2"}, "Date of birth must be a real date"),
])
def test_add_person_bad_input_shows_errors_and_saves_nothing(world, shared_case, overrides,
                                                             message):
    before = (Person.objects.count(), CasePerson.objects.count(), Relationship.objects.count())
    response = client_for(world.lead_practitioner).post(
        reverse("cases:person-add", args=[shared_case.pk]), person_data(**overrides))
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode()
    assert (Person.objects.count(), CasePerson.objects.count(),
            Relationship.objects.count()) == before


def test_case_page_shows_only_relationships_between_people_on_the_case(world, shared_case):
    outsider_person = PersonFactory(given_name="Hidden", family_name="Elsewhere",
                                    created_by_agency=world.outsider)
    relationship_add(person=shared_case.subject, other=outsider_person, kind="sibling")
    page = client_for(world.partner_practitioner).get(
        reverse("cases:detail", args=[shared_case.pk])).content.decode()
    assert "Elsewhere" not in page


def test_case_page_view_is_audited(world, shared_case):
    client_for(world.partner_practitioner).get(reverse("cases:detail", args=[shared_case.pk]))
    assert AccessEvent.objects.filter(case_id=shared_case.pk, action="view",
                                      agency=world.partner, object_type="case").exists()


def test_note_form_shows_only_to_contributors_and_htmx_swaps_the_chronology(world, shared_case):
    client = client_for(world.partner_practitioner)
    page = client.get(reverse("cases:detail", args=[shared_case.pk])).content.decode()
    assert reverse("cases:note-add", args=[shared_case.pk]) in page
    response = client.post(reverse("cases:note-add", args=[shared_case.pk]),
                           {"text": "Safety plan agreed.", "kind": "meeting",
                            "visibility": "agency"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment and 'id="chronology-panel"' in fragment
    assert "Safety plan agreed." in fragment
    assert "Safe Haven only" in fragment
    lead_page = client_for(world.lead_practitioner).get(
        reverse("cases:detail", args=[shared_case.pk])).content.decode()
    assert "Safety plan agreed." not in lead_page
    bad = client.post(reverse("cases:note-add", args=[shared_case.pk]),
                      {"text": "", "kind": "note", "visibility": "shared"},
                      headers={"HX-Request": "true"})
    assert bad.status_code == 200 and "Enter the note." in bad.content.decode()


def test_case_edit_by_lead_and_bad_input(world, shared_case):
    client = client_for(world.lead_practitioner)
    url = reverse("cases:edit", args=[shared_case.pk])
    response = client.post(url, {"status": "archived", "risk_level": "high", "summary": "x"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    shared_case.refresh_from_db()
    assert shared_case.risk_level == "standard"
    response = client.post(url, {"status": "open", "risk_level": "high", "summary": "Escalated"})
    assert response.status_code == 302
    shared_case.refresh_from_db()
    assert shared_case.risk_level == "high" and shared_case.summary == "Escalated"


def test_key_worker_is_set_by_a_manager_of_the_involved_agency_only(world, shared_case):
    involvement = shared_case.involvements.get(agency=world.partner)
    url = reverse("cases:key-worker", args=[shared_case.pk, involvement.pk])
    assert client_for(world.partner_practitioner).get(url).status_code == 404
    assert client_for(world.lead_manager).get(url).status_code == 404
    response = client_for(world.partner_manager).post(
        url, {"key_worker": world.partner_practitioner.user.pk})
    assert response.status_code == 302
    involvement.refresh_from_db()
    assert involvement.key_worker == world.partner_practitioner.user
    mine = client_for(world.partner_practitioner).get(reverse("cases:my-work"),
                                                      {"assigned_to_me": "on"})
    assert [c.pk for c in mine.context["page"].items] == [shared_case.pk]


def test_involvement_add_offers_only_uninvolved_active_agencies(world, shared_case):
    inactive = make_agency(name="Closed Charity")
    inactive.active = False
    inactive.save(update_fields=["active"])
    response = client_for(world.lead_manager).get(
        reverse("cases:involvement-add", args=[shared_case.pk]))
    offered = set(response.context["form"].fields["agency"].queryset)
    assert world.outsider in offered
    assert world.partner not in offered and world.lead not in offered
    assert inactive not in offered


def test_lead_practitioner_cannot_manage_involvements(world, shared_case):
    client = client_for(world.lead_practitioner)
    involvement = shared_case.involvements.get(agency=world.partner)
    assert client.get(reverse("cases:involvement-add", args=[shared_case.pk])).status_code == 404
    assert client.post(reverse("cases:involvement-end", args=[shared_case.pk, involvement.pk]),
                       {"reason": "x"}).status_code == 404
    page = client.get(reverse("cases:detail", args=[shared_case.pk])).content.decode()
    assert reverse("cases:involvement-add", args=[shared_case.pk]) not in page


def test_secondee_my_work_lists_only_the_acting_agencys_cases(world, shared_case):
    own_case = make_case(lead=world.outsider_practitioner)
    secondee = make_member(agency=world.outsider)
    second = membership_add(actor=None, user=secondee.user, agency=world.partner,
                            role=Role.PRACTITIONER)
    as_outsider = client_for(secondee).get(reverse("cases:my-work"))
    assert [c.pk for c in as_outsider.context["page"].items] == [own_case.pk]
    as_partner = client_for(second).get(reverse("cases:my-work"))
    assert [c.pk for c in as_partner.context["page"].items] == [shared_case.pk]


def test_ended_membership_loses_my_work_and_case_pages(world, shared_case):
    membership_end(actor=None, membership=world.partner_practitioner)
    client = client_for(world.partner_practitioner)
    for url in (reverse("cases:my-work"), reverse("cases:detail", args=[shared_case.pk]),
                reverse("cases:person-add", args=[shared_case.pk])):
        assert client.get(url).status_code == 403, url
        assert shared_case.reference not in client.get(url).content.decode()


def test_case_page_query_count_does_not_grow_with_people_and_involvements(world):
    lead = actor_of(world.lead_practitioner)
    client = client_for(world.lead_manager)
    case = make_case(lead=world.lead_practitioner)
    case_person_create(actor=lead, case=case, person_data={"given_name": "A", "family_name": "B"},
                       role="victim", relationship_kind="partner")
    involve(case=case, manager=world.lead_manager, agency=world.partner,
            key_worker=world.partner_practitioner.user)
    url = reverse("cases:detail", args=[case.pk])
    small = _count_queries(client, url)
    for i in range(8):
        case_person_create(actor=lead, case=case,
                           person_data={"given_name": f"P{i}", "family_name": "C"},
                           role="child", relationship_kind="child")
        agency = make_agency()
        worker = make_member(agency=agency)
        involve(case=case, manager=world.lead_manager, agency=agency, key_worker=worker.user)
        case_note_add(actor=lead, case=case, text=f"note {i}",
                      visibility=NoteVisibility.AGENCY)
    assert _count_queries(client, url) == small


def test_add_person_offers_matching_records_and_links_the_existing_one(world, shared_case):
    existing = PersonFactory(given_name="Sam", family_name="Quillfeather", date_of_birth=None,
                             created_by_agency=world.lead)
    client = client_for(world.lead_practitioner)
    url = reverse("cases:person-add", args=[shared_case.pk])
    response = client.post(url, person_data())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Is this the same person?" in page
    assert response.context["duplicates"] == [existing]
    assert reverse("cases:person-link", args=[shared_case.pk]) in page
    assert not CasePerson.objects.filter(case=shared_case,
                                         person__family_name="Quillfeather").exists()

    response = client.post(reverse("cases:person-link", args=[shared_case.pk]),
                           {"person": existing.pk, "role": "alleged_perpetrator",
                            "relationship_kind": "ex_partner"})
    assert response.status_code == 302
    assert CasePerson.objects.get(case=shared_case, person=existing).role == "alleged_perpetrator"
    assert Person.objects.filter(family_name="Quillfeather").count() == 1

    again = client.post(url, person_data())
    assert "Already on this case" in again.content.decode()
    twice = client.post(reverse("cases:person-link", args=[shared_case.pk]),
                        {"person": existing.pk, "role": "victim"})
    assert twice.status_code == 400
    assert "already linked" in twice.content.decode()

    response = client.post(url, person_data(confirm_new="True"))
    assert response.status_code == 302
    assert Person.objects.filter(family_name="Quillfeather").count() == 2


def test_cannot_link_a_person_the_actor_cannot_see(world, shared_case):
    hidden = PersonFactory(created_by_agency=world.outsider)
    response = client_for(world.lead_practitioner).post(
        reverse("cases:person-link", args=[shared_case.pk]),
        {"person": hidden.pk, "role": "victim"})
    assert response.status_code == 400
    assert "Choose a person." in response.content.decode()
    assert not CasePerson.objects.filter(person=hidden).exists()
    outsider = client_for(world.outsider_practitioner).post(
        reverse("cases:person-link", args=[shared_case.pk]),
        {"person": hidden.pk, "role": "victim"})
    assert outsider.status_code == 404
    assert not CasePerson.objects.filter(person=hidden).exists()
