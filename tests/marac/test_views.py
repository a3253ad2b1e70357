from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.date_input import format_time_input
from apps.marac import dash, services
from apps.marac.models import MaracReferral, Research, RiskChecklist
from tests.conftest import client_for
from tests.dates import date_data, datetime_data
from tests.factories import actor_of, make_case
from tests.marac.helpers import answers, checklist, listed, make_marac, meeting, referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def marac(world):
    return make_marac(world)


def _checklist_post(area, yes=15, **extra):
    data = {"area": str(area.pk), "incidents_last_12_months": "0", **extra}
    for key, value in answers(yes).items():
        data[key] = value
    return data


def test_checklist_form_saves_and_shows_routes(world, shared_case, marac):
    client = client_for(world.partner_practitioner)
    assert client.get(f"/cases/{shared_case.pk}/risk/new/").status_code == 200
    response = client.post(f"/cases/{shared_case.pk}/risk/new/",
                           _checklist_post(marac.area, q01_note="Bruising to the arm."))
    ck = RiskChecklist.objects.get()
    assert response.status_code == 302 and response.url == f"/risk-checklists/{ck.pk}/"
    assert ck.answer_notes == {"q01": "Bruising to the arm."}
    page = client.get(response.url).content.decode()
    assert "Visible high risk" in page and "15 of 24" in page


def test_checklist_errors_save_nothing(world, shared_case, marac):
    data = _checklist_post(marac.area)
    del data["q05"]
    data["professional_judgement"] = "on"
    response = client_for(world.lead_practitioner).post(f"/cases/{shared_case.pk}/risk/new/",
                                                        data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert "Answer question 5." in response.content.decode()
    assert not RiskChecklist.objects.exists()


def test_decide_then_refer_through_the_pages(world, shared_case, marac):
    ck = checklist(membership=world.lead_practitioner, case=shared_case, area=marac.area)
    client = client_for(world.lead_practitioner)
    response = client.post(f"/risk-checklists/{ck.pk}/",
                           {"decision": "refer", "reason": "Score 15."})
    assert response.url == f"/risk-checklists/{ck.pk}/refer/"
    page = client.get(response.url).content.decode()
    assert "You do not need to type them again" in page
    response = client.post(response.url, {
        "route": dash.Route.VISIBLE_HIGH_RISK, "victim_aware": "no", "lawful_basis":
        "vital_interests", "justification": "Risk of serious harm."})
    assert response.status_code == 400  # no reason why the victim does not know
    response = client.post(f"/risk-checklists/{ck.pk}/refer/", {
        "route": dash.Route.VISIBLE_HIGH_RISK, "victim_aware": "yes", "lawful_basis":
        "vital_interests", "justification": "Risk of serious harm."})
    ref = MaracReferral.objects.get()
    assert response.url == f"/marac/referrals/{ref.pk}/"


def test_coordinator_workspace_lists_and_returns(world, shared_case, marac):
    ref = referral(membership=world.lead_practitioner, case=shared_case, area=marac.area)
    mtg = meeting(marac=marac)
    client = client_for(marac.coordinator)
    home = client.get("/marac/").content.decode()
    assert shared_case.reference in home and "Incoming MARAC referrals" in home
    page = client.get(f"/marac/referrals/{ref.pk}/").content.decode()
    assert "Not heard at this MARAC before" in page
    response = client.post(f"/marac/referrals/{ref.pk}/list/", {"meeting": str(mtg.pk)})
    assert response.url == f"/marac/meetings/{mtg.pk}/"
    ref.refresh_from_db()
    assert ref.status == "listed"


def test_research_minutes_and_close_pages(world, shared_case, marac):
    _ref, mtg, item = listed(world=world, marac=marac, case=shared_case)
    partner = client_for(world.partner_practitioner)
    url = f"/marac/meetings/{mtg.pk}/items/{item.pk}/research/"
    assert partner.post(url, {"text": ""}).status_code == 400
    assert partner.post(url, {"text": "Attended IDVA twice."}).status_code == 302
    assert Research.objects.get(item=item, agency=world.partner).text == "Attended IDVA twice."
    pack = partner.get(f"/marac/meetings/{mtg.pk}/pack/").content.decode()
    assert "Attended IDVA twice." in pack and "Not received" in pack
    coordinator = client_for(marac.coordinator)
    response = coordinator.post(f"/marac/meetings/{mtg.pk}/attendance/", {
        f"status_{world.lead.pk}": "present", f"rep_{world.lead.pk}": "DS Khan",
        f"status_{world.partner.pk}": "apologies", f"rep_{world.partner.pk}": "",
        f"status_{marac.csp.pk}": "present", f"rep_{marac.csp.pk}": "",
        "confidentiality_read": "on"})
    assert response.status_code == 302
    minutes_url = f"/marac/meetings/{mtg.pk}/items/{item.pk}/minutes/"
    assert coordinator.post(minutes_url, {"minutes": "Agreed safety plan.",
                                          "risk_confirmed": "high"}).status_code == 302
    response = coordinator.post(f"/marac/meetings/{mtg.pk}/items/{item.pk}/actions/", {
        "description": "Target hardening.", "owner_agency": str(world.lead.pk),
        "owner_user": "", **date_data("due_date", datetime.date(2030, 1, 1)),
        "priority": "high"})
    assert response.status_code == 302
    coordinator.post(f"/marac/meetings/{mtg.pk}/close/")
    minutes = partner.get(f"/marac/meetings/{mtg.pk}/minutes/").content.decode()
    assert "Agreed safety plan." in minutes and "Target hardening." in minutes
    assert "DS Khan" in minutes
    assert "Held" in partner.get(f"/marac/meetings/{mtg.pk}/").content.decode()


def test_every_page_is_not_found_for_an_uninvolved_agency(world, shared_case, marac):
    ref, mtg, item = listed(world=world, marac=marac, case=shared_case)
    ck = ref.checklist
    outsider = client_for(world.outsider_practitioner)
    for url in [
        f"/cases/{shared_case.pk}/risk/", f"/cases/{shared_case.pk}/risk/new/",
        f"/risk-checklists/{ck.pk}/", f"/risk-checklists/{ck.pk}/refer/",
        f"/marac/referrals/{ref.pk}/", f"/marac/meetings/{mtg.pk}/",
        f"/marac/meetings/{mtg.pk}/pack/", f"/marac/meetings/{mtg.pk}/minutes/",
        f"/marac/meetings/{mtg.pk}/attendance/",
        f"/marac/meetings/{mtg.pk}/items/{item.pk}/research/",
        f"/marac/meetings/{mtg.pk}/items/{item.pk}/minutes/",
        f"/marac/areas/{marac.area.pk}/statistics/",
    ]:
        assert outsider.get(url).status_code == 404, url
    for url in [f"/marac/referrals/{ref.pk}/list/", f"/marac/referrals/{ref.pk}/return/",
                f"/marac/referrals/{ref.pk}/sign-off/", f"/marac/meetings/{mtg.pk}/close/",
                f"/marac/meetings/{mtg.pk}/items/{item.pk}/actions/"]:
        assert outsider.post(url, {"reason": "x"}).status_code == 404, url
    assert shared_case.reference not in outsider.get("/marac/").content.decode()


def test_member_agency_cannot_use_coordinator_pages(world, shared_case, marac):
    ref, mtg, item = listed(world=world, marac=marac, case=shared_case)
    member = client_for(world.lead_manager)
    for url in [f"/marac/meetings/{mtg.pk}/attendance/",
                f"/marac/meetings/{mtg.pk}/items/{item.pk}/minutes/",
                f"/marac/areas/{marac.area.pk}/statistics/", "/marac/meetings/new/"]:
        assert member.get(url).status_code == 404, url
    assert member.post(f"/marac/referrals/{ref.pk}/return/", {"reason": "x"}).status_code == 404


def test_pack_runs_a_fixed_number_of_queries(world, marac):
    mtg = meeting(marac=marac)
    coordinator = actor_of(marac.coordinator)

    def add_cases(n):
        for _ in range(n):
            case = make_case(lead=world.lead_practitioner)
            ref = referral(membership=world.lead_practitioner, case=case, area=marac.area)
            services.marac_referral_list_for_meeting(actor=coordinator, referral=ref,
                                                     meeting=mtg)

    client = client_for(world.partner_practitioner)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/marac/meetings/{mtg.pk}/pack/").status_code == 200
        return len(ctx.captured_queries)

    add_cases(5)
    count()  # warm up the session and caches
    five = count()
    add_cases(25)
    assert count() == five


def test_statistics_for_the_coordinator(world, shared_case, marac):
    referral(membership=world.lead_practitioner, case=shared_case, area=marac.area)
    page = client_for(marac.coordinator).get(f"/marac/areas/{marac.area.pk}/statistics/")
    assert page.status_code == 200
    assert "Visible high risk" in page.content.decode()
    assert world.lead.name in page.content.decode()


def test_coordinator_configures_the_area(world, marac):
    url = f"/marac/areas/{marac.area.pk}/settings/"
    assert client_for(world.lead_manager).get(url).status_code == 404
    assert client_for(world.outsider_practitioner).get(url).status_code == 404
    client = client_for(marac.coordinator)
    assert client.get(url).status_code == 200
    data = {"meeting_frequency_days": "14", "high_risk_threshold": "14",
            "escalation_threshold": "2", "repeat_window_months": "6",
            "research_days_before": "3", "manager_signoff_required": "on",
            "lawful_basis": "vital_interests", "dsa_reference": "MARAC ISA 2026",
            "member_agencies": [str(world.lead.pk)]}
    assert client.post(url, {**data, "repeat_window_months": "0"}).status_code == 400
    assert client.post(url, data).status_code == 302
    marac.area.refresh_from_db()
    assert marac.area.repeat_window_months == 6 and marac.area.manager_signoff_required
    assert list(marac.area.member_agencies.all()) == [world.lead]


def test_meeting_page_and_workspace_run_a_fixed_number_of_queries(world, marac):
    mtg = meeting(marac=marac)
    coordinator = actor_of(marac.coordinator)
    client = client_for(marac.coordinator)

    def add_cases(n):
        for _ in range(n):
            case = make_case(lead=world.lead_practitioner)
            ref = referral(membership=world.lead_practitioner, case=case, area=marac.area)
            services.marac_referral_list_for_meeting(actor=coordinator, referral=ref,
                                                     meeting=mtg)
            referral(membership=world.lead_practitioner, case=case, area=marac.area)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [f"/marac/meetings/{mtg.pk}/", f"/marac/meetings/{mtg.pk}/minutes/", "/marac/"]
    add_cases(5)
    count(urls[0])
    before = [count(url) for url in urls]
    add_cases(25)
    assert [count(url) for url in urls] == before


def test_schedule_a_meeting_suggests_the_next_date(world, marac):
    first = meeting(marac=marac, days=3)
    client = client_for(marac.coordinator)
    page = client.get("/marac/meetings/new/").content.decode()
    expected = timezone.localtime(first.starts_at) + datetime.timedelta(days=28)
    for part, value in datetime_data("starts_at", expected).items():
        if not part.endswith("_time"):
            assert f'name="{part}" type="text" inputmode="numeric" value="{value}"' in page
    assert f'name="starts_at_time" type="text" value="{format_time_input(expected)}"' in page
    refused = client.post("/marac/meetings/new/", {
        "area": str(marac.area.pk),
        **datetime_data("starts_at", expected.replace(year=2001))})
    assert refused.status_code == 400
    assert "The meeting must be in the future." in refused.content.decode()
    response = client.post("/marac/meetings/new/", {
        "area": str(marac.area.pk), **datetime_data("starts_at", expected),
        "location": "Town hall"})
    assert response.status_code == 302


def test_pack_hides_who_a_restricted_case_is_about_from_unnamed_workers(world, marac):
    case = make_case(lead=world.lead_practitioner, restricted=True, family_name="Quillfeather")
    _ref, mtg, _item = listed(world=world, marac=marac, case=case)
    page = client_for(world.partner_practitioner).get(f"/marac/meetings/{mtg.pk}/pack/")
    assert page.status_code == 200
    body = page.content.decode()
    assert case.reference in body and "Quillfeather" not in body
    assert "Quillfeather" in client_for(world.lead_practitioner).get(
        f"/marac/meetings/{mtg.pk}/pack/").content.decode()
