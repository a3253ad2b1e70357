"""The cases API: /api/v1/cases/ with notes and involvements, by token and by session."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.services import api_token_create
from apps.agencies.models import Role
from apps.agencies.services import membership_add, membership_end
from apps.audit.models import AccessEvent
from apps.cases.models import Case, NoteVisibility
from apps.cases.services import case_note_add, involvement_set_key_worker
from tests.conftest import api_client_for, client_for
from tests.factories import PersonFactory, UserFactory, actor_of, make_case

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def case_url(case: Case, suffix: str = "") -> str:
    return f"{CASES}{case.pk}/{suffix}"


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# Visibility ---------------------------------------------------------------------------------


def test_involved_agencies_list_and_read_the_case_outsiders_get_nothing(world, shared_case):
    for membership in (world.lead_practitioner, world.partner_practitioner):
        client = api_client_for(membership)
        assert ids(client.get(CASES)) == {str(shared_case.pk)}
        detail = client.get(case_url(shared_case))
        assert detail.status_code == 200
        assert detail.json()["reference"] == shared_case.reference
    outsider = api_client_for(world.outsider_manager)
    assert ids(outsider.get(CASES)) == set()
    for suffix in ("", "notes/", "involvements/"):
        assert outsider.get(case_url(shared_case, suffix)).status_code == 404


def test_detail_lists_capabilities_and_records_the_read_as_api(world, shared_case):
    body = api_client_for(world.partner_practitioner).get(case_url(shared_case)).json()
    assert body["capabilities"] == ["contribute_case", "view_case"]
    assert body["subject"]["id"] == str(shared_case.subject_id)
    assert "address_line_1" not in body["subject"]
    event = AccessEvent.objects.filter(case_id=shared_case.pk, action="view").get()
    assert event.channel == "api" and event.agency_id == world.partner.pk
    lead = api_client_for(world.lead_manager).get(case_url(shared_case)).json()
    assert lead["capabilities"] == ["contribute_case", "manage_case", "view_case"]


def test_session_auth_acts_for_the_chosen_membership(world, shared_case):
    client = client_for(world.partner_practitioner)
    assert ids(client.get(CASES)) == {str(shared_case.pk)}
    assert client.get(case_url(shared_case)).status_code == 200
    assert AccessEvent.objects.get(action="view").channel == "api"
    assert ids(client_for(world.outsider_practitioner).get(CASES)) == set()


def test_unauthenticated_is_refused(world, shared_case):
    from rest_framework.test import APIClient

    client = APIClient()
    assert client.get(CASES).status_code == 401
    assert client.get(case_url(shared_case)).status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert client.get(CASES).status_code == 401


def test_a_session_without_an_active_membership_sees_nothing(world, shared_case):
    from django.test import Client

    client = Client()
    client.force_login(UserFactory())
    assert ids(client.get(CASES)) == set()
    assert client.get(case_url(shared_case)).status_code == 404
    assert client.get(case_url(shared_case, "notes/")).status_code == 404
    response = client.post(CASES, {"subject": str(shared_case.subject_id)},
                           content_type="application/json")
    assert response.status_code == 403


def test_a_secondee_token_acts_only_for_its_own_agency(world, shared_case):
    user = world.lead_practitioner.user
    second = membership_add(actor=None, user=user, agency=world.outsider, role=Role.MANAGER)
    as_outsider = api_client_for(second)
    assert ids(as_outsider.get(CASES)) == set()
    assert as_outsider.get(case_url(shared_case)).status_code == 404
    as_lead = api_client_for(world.lead_practitioner)
    assert ids(as_lead.get(CASES)) == {str(shared_case.pk)}


def test_a_token_of_an_ended_membership_is_refused(world, shared_case):
    _token, key = api_token_create(membership=world.partner_practitioner, name="Old")
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(CASES).status_code == 200
    membership_end(actor=None, membership=world.partner_practitioner)
    assert client.get(CASES).status_code == 401
    assert client.get(case_url(shared_case)).status_code == 401


# Filters and pagination ---------------------------------------------------------------------


def test_filters_and_cursor_pagination(world):
    lead = api_client_for(world.lead_manager)
    cases = [make_case(lead=world.lead_practitioner) for _ in range(3)]
    assert lead.patch(case_url(cases[0]), {"status": "closed"}, format="json").status_code == 200
    assert lead.patch(case_url(cases[1]), {"risk_level": "high"},
                      format="json").status_code == 200
    assert ids(lead.get(CASES, {"status": "closed"})) == {str(cases[0].pk)}
    assert ids(lead.get(CASES, {"risk_level": "high"})) == {str(cases[1].pk)}
    bad = lead.get(CASES, {"status": "sideways"})
    assert bad.status_code == 400 and "status" in bad.json()

    # Key worker: make_case makes the lead practitioner key worker of every case.
    mine = api_client_for(world.lead_practitioner)
    assert len(ids(mine.get(CASES, {"assigned_to_me": "true"}))) == 3
    involvement = cases[2].involvements.get()
    involvement_set_key_worker(actor=actor_of(world.lead_manager), involvement=involvement,
                               user=world.lead_manager.user)
    assert ids(lead.get(CASES, {"assigned_to_me": "true"})) == {str(cases[2].pk)}

    first = lead.get(CASES, {"page_size": 2}).json()
    assert "count" not in first and len(first["results"]) == 2
    # Most recently active first: the two cases just patched come before the untouched one.
    assert [r["id"] for r in first["results"]] == [str(cases[1].pk), str(cases[0].pk)]
    second = lead.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == [str(cases[2].pk)]
    assert second["next"] is None


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_list_query_counts_do_not_grow_with_rows(world):
    client = api_client_for(world.lead_practitioner)
    lead = actor_of(world.lead_practitioner)
    cases = [make_case(lead=world.lead_practitioner) for _ in range(5)]
    for case in cases:
        case_note_add(actor=lead, case=case, text="Seen at home.")
    notes_url = case_url(cases[0], "notes/")
    involvements_url = case_url(cases[0], "involvements/")
    small = (_count(client, CASES), _count(client, notes_url), _count(client, involvements_url))
    for _ in range(25):
        make_case(lead=world.lead_practitioner)
        case_note_add(actor=lead, case=cases[0], text="Another visit.")
    large = (_count(client, CASES), _count(client, notes_url), _count(client, involvements_url))
    assert large == small, (small, large)
    assert len(client.get(CASES).json()["results"]) == 25


# Writes -------------------------------------------------------------------------------------


def test_open_a_case_about_a_visible_person(world):
    person = PersonFactory(created_by_agency=world.partner)
    client = api_client_for(world.partner_practitioner)
    response = client.post(CASES, {"subject": str(person.pk), "summary": "Referred by GP.",
                                   "risk_level": "medium"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["lead_agency"]["id"] == str(world.partner.pk)
    assert body["risk_level"] == "medium" and body["reference"].startswith("NB-")
    assert "manage_case" in body["capabilities"]


def test_open_a_case_refuses_bad_input_with_field_errors(world, shared_case):
    client = api_client_for(world.outsider_practitioner)
    unseen = client.post(CASES, {"subject": str(shared_case.subject_id)}, format="json")
    assert unseen.status_code == 400 and "subject" in unseen.json()
    bad = client.post(CASES, {"subject": "nope", "risk_level": "extreme"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()) == {"subject", "risk_level"}
    assert Case.objects.count() == 1


def test_update_is_for_the_lead_agency(world, shared_case):
    patch = {"status": "closed", "summary": "Safe at a refuge."}
    partner = api_client_for(world.partner_manager).patch(case_url(shared_case), patch,
                                                          format="json")
    assert partner.status_code == 403
    outsider = api_client_for(world.outsider_manager).patch(case_url(shared_case), patch,
                                                             format="json")
    assert outsider.status_code == 404
    lead = api_client_for(world.lead_manager)
    response = lead.patch(case_url(shared_case), patch, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert response.json()["risk_level"] == "standard"
    bad = lead.patch(case_url(shared_case), {"risk_level": "extreme"}, format="json")
    assert bad.status_code == 400 and "risk_level" in bad.json()
    assert lead.put(case_url(shared_case), patch, format="json").status_code == 405


def test_notes_list_shared_and_own_agency_notes_and_take_new_ones(world, shared_case):
    case_note_add(actor=actor_of(world.lead_practitioner), case=shared_case,
                  text="Police only.", visibility=NoteVisibility.AGENCY)
    partner = api_client_for(world.partner_practitioner)
    response = partner.post(case_url(shared_case, "notes/"),
                            {"text": "IDVA called; safe to text.", "kind": "contact"},
                            format="json")
    assert response.status_code == 201, response.content
    assert response.json()["agency"]["id"] == str(world.partner.pk)
    texts = [n["text"] for n in partner.get(case_url(shared_case, "notes/")).json()["results"]]
    assert "IDVA called; safe to text." in texts and "Police only." not in texts
    lead = api_client_for(world.lead_practitioner).get(case_url(shared_case, "notes/"))
    assert "Police only." in [n["text"] for n in lead.json()["results"]]
    note_id = response.json()["id"]
    assert partner.get(case_url(shared_case, f"notes/{note_id}/")).status_code == 200


def test_bad_notes_are_refused_and_outsiders_cannot_post(world, shared_case):
    partner = api_client_for(world.partner_practitioner)
    empty = partner.post(case_url(shared_case, "notes/"), {"text": "  "}, format="json")
    assert empty.status_code == 400 and "text" in empty.json()
    system = partner.post(case_url(shared_case, "notes/"), {"text": "x", "kind": "system"},
                          format="json")
    assert system.status_code == 400 and "kind" in system.json()
    outsider = api_client_for(world.outsider_manager).post(
        case_url(shared_case, "notes/"), {"text": "Hello"}, format="json")
    assert outsider.status_code == 404


def test_involving_an_agency_gives_it_access_and_ending_takes_it_away(world, shared_case):
    lead = api_client_for(world.lead_manager)
    outsider = api_client_for(world.outsider_practitioner)
    assert outsider.get(case_url(shared_case)).status_code == 404
    response = lead.post(case_url(shared_case, "involvements/"),
                         {"agency": str(world.outsider.pk), "basis": "Tenancy at risk; consent."},
                         format="json")
    assert response.status_code == 201, response.content
    involvement_id = response.json()["id"]
    assert response.json()["role"] == "partner" and response.json()["active"] is True
    assert outsider.get(case_url(shared_case)).status_code == 200

    end_url = case_url(shared_case, f"involvements/{involvement_id}/end/")
    assert lead.post(end_url, {"reason": ""}, format="json").status_code == 400
    ended = lead.post(end_url, {"reason": "Tenancy secured."}, format="json")
    assert ended.status_code == 200 and ended.json()["active"] is False
    assert outsider.get(case_url(shared_case)).status_code == 404
    again = lead.post(end_url, {"reason": "Again."}, format="json")
    assert again.status_code == 409 and again.json()["detail"]
    listed = lead.get(case_url(shared_case, "involvements/")).json()["results"]
    assert {row["agency"]["name"] for row in listed} == {
        "Northbridge Police", "Safe Haven", "Hearth Homes"}


def test_only_a_lead_manager_changes_involvements(world, shared_case):
    partner_involvement = shared_case.involvements.get(agency=world.partner)
    lead_involvement = shared_case.involvements.get(agency=world.lead)
    end_url = case_url(shared_case, f"involvements/{partner_involvement.pk}/end/")
    body = {"reason": "No longer needed."}
    for membership in (world.partner_manager, world.partner_practitioner,
                       world.lead_practitioner):
        client = api_client_for(membership)
        assert client.post(end_url, body, format="json").status_code == 403
        add = client.post(case_url(shared_case, "involvements/"),
                          {"agency": str(world.outsider.pk), "basis": "x"}, format="json")
        assert add.status_code == 403
    assert api_client_for(world.outsider_manager).post(end_url, body,
                                                       format="json").status_code == 404
    lead = api_client_for(world.lead_manager)
    lead_end = case_url(shared_case, f"involvements/{lead_involvement.pk}/end/")
    assert lead.post(lead_end, body, format="json").status_code == 409
    partner_involvement.refresh_from_db()
    assert partner_involvement.ended_at is None


def test_involvement_input_errors(world, shared_case):
    lead = api_client_for(world.lead_manager)
    url = case_url(shared_case, "involvements/")
    bad = lead.post(url, {"agency": "nope", "role": "lead"}, format="json")
    assert bad.status_code == 400 and {"agency", "basis", "role"} <= set(bad.json())
    unknown = lead.post(url, {"agency": str(shared_case.pk), "basis": "x"}, format="json")
    assert unknown.status_code == 400 and "agency" in unknown.json()
    already = lead.post(url, {"agency": str(world.partner.pk), "basis": "x"}, format="json")
    assert already.status_code == 400 and "agency" in already.json()
    # An involvement of another case is not found under this one.
    other = make_case(lead=world.lead_practitioner)
    foreign = other.involvements.get()
    response = lead.post(case_url(shared_case, f"involvements/{foreign.pk}/end/"),
                         {"reason": "x"}, format="json")
    assert response.status_code == 404


def test_session_writes_need_the_csrf_token(world, shared_case):
    from django.test import Client

    from apps.agencies.middleware import SESSION_KEY
    from tests.factories import PASSWORD

    client = Client(enforce_csrf_checks=True)
    assert client.login(username=world.partner_practitioner.user.username, password=PASSWORD)
    session = client.session
    session[SESSION_KEY] = str(world.partner_practitioner.pk)
    session.save()
    response = client.post(case_url(shared_case, "notes/"), {"text": "Hello"},
                           content_type="application/json")
    assert response.status_code == 403
    assert not shared_case.notes.filter(text="Hello").exists()
