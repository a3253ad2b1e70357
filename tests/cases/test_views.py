from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.agencies.models import Role
from apps.agencies.services import membership_add, membership_end
from apps.cases.models import CaseNote, NoteVisibility
from apps.cases.services import case_note_add
from tests.conftest import client_for
from tests.factories import actor_of, make_case, make_member

pytestmark = pytest.mark.django_db


def case_urls(case) -> list[str]:
    involvement = case.involvements.exclude(role="lead").first() or case.involvements.first()
    return [
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:edit", args=[case.pk]),
        reverse("cases:involvement-add", args=[case.pk]),
        reverse("cases:involvement-end", args=[case.pk, involvement.pk]),
        reverse("cases:key-worker", args=[case.pk, involvement.pk]),
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
