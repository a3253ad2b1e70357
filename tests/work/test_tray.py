"""The work tray (issue 13): what is waiting on me or my team, grouped by when it is due,
at a fixed number of queries, with the navigation's count."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.consent.services import consent_record
from apps.referrals.models import Referral
from apps.referrals.services import referral_request_info
from apps.work.selectors import tray
from tests.conftest import api_client_for, client_for
from tests.factories import actor_of, involve, make_case
from tests.marac.helpers import listed, make_marac
from tests.referrals.helpers import make_referral
from tests.work.helpers import action_for, idva_team, make_quiet

pytestmark = pytest.mark.django_db


def _kinds(work, bucket):
    return sorted(item.kind for item in work.buckets.get(bucket, []))


def test_the_tray_groups_my_and_my_teams_work_by_when_it_is_due(world, shared_case):
    _team, service, _admin = idva_team(world)
    overdue = make_referral(world=world, service=service)
    Referral.objects.filter(pk=overdue.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=2))
    make_referral(world=world, service=service)
    action_for(world, shared_case, days=0)
    action_for(world, shared_case, days=-3)
    action_for(world, shared_case, days=30)
    make_quiet(shared_case, agency=world.partner, user=world.partner_practitioner.user)
    consent_record(actor=actor_of(world.partner_practitioner), person=shared_case.subject,
                   given_by="person", method="verbal",
                   given_on=timezone.localdate() - datetime.timedelta(days=30),
                   review_date=timezone.localdate(), purposes=["support"],
                   scope_agencies=[world.lead])
    work = tray(actor=actor_of(world.partner_practitioner))
    assert _kinds(work, "overdue") == ["action", "quiet_case", "referral"]
    assert "action" in _kinds(work, "today") and "consent_review" in _kinds(work, "today")
    assert "action" in _kinds(work, "later")
    assert work.count("referral") == 2
    # Every item links to where it is done; titles carry references, never names.
    for items in work.buckets.values():
        for item in items:
            assert item.url.startswith("/")
            assert shared_case.subject.family_name not in item.title


def test_someone_outside_the_team_and_another_agency_see_none_of_it(world, shared_case):
    _team, service, _admin = idva_team(world)
    make_referral(world=world, service=service)
    action_for(world, shared_case, days=0)
    from tests.factories import make_member

    colleague = make_member(agency=world.partner)  # not in the team
    assert tray(actor=actor_of(colleague)).total == 0
    assert tray(actor=actor_of(world.outsider_practitioner)).total == 0
    assert tray(actor=actor_of(world.outsider_manager)).total == 0


def test_the_referrer_sees_the_information_request_to_answer(world):
    referral = make_referral(world=world)
    referral_request_info(actor=actor_of(world.partner_manager), referral=referral,
                          question="Is the person aware of the referral?")
    work = tray(actor=actor_of(world.lead_practitioner))
    assert work.count("info_request") == 1


def test_research_for_a_case_i_am_key_worker_on(world, shared_case):
    marac = make_marac(world)
    listed(world=world, marac=marac, case=shared_case)
    assert tray(actor=actor_of(world.partner_practitioner)).count("research") == 0
    make_quiet(shared_case, agency=world.partner, user=world.partner_practitioner.user,
               days=0)
    work = tray(actor=actor_of(world.partner_practitioner))
    assert work.count("research") == 1
    assert tray(actor=actor_of(world.partner_manager)).count("research") == 1


def test_tray_page_api_and_navigation_count(world, shared_case):
    _team, service, _admin = idva_team(world)
    for _ in range(3):
        make_referral(world=world, service=service)
    client = client_for(world.partner_practitioner)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "My work" in html and "Referrals 3" in html
    assert 'data-kind="referral"' in html
    # Another page counts with one bounded query.
    assert "Referrals 3" in client.get("/cases/").content.decode()
    body = api_client_for(world.partner_practitioner).get("/api/v1/work/").json()
    assert body["counts"]["referral"] == 3
    assert set(body) == {"overdue", "today", "week", "later", "counts", "truncated"}


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_tray_runs_a_fixed_number_of_queries(world, shared_case):
    _team, service, _admin = idva_team(world)
    make_referral(world=world, service=service)
    action_for(world, shared_case, days=1)
    client = client_for(world.partner_practitioner)
    api = api_client_for(world.partner_practitioner)
    small_page, small_api = _count(client, "/"), _count(api, "/api/v1/work/")
    for _ in range(6):
        case = make_case(lead=world.lead_practitioner)
        involve(case=case, manager=world.lead_manager, agency=world.partner)
        make_referral(world=world, service=service, case=case)
        action_for(world, case, days=-1)
        make_quiet(case, agency=world.partner, user=world.partner_practitioner.user)
    assert _count(client, "/") == small_page
    assert _count(api, "/api/v1/work/") == small_api
    assert small_page <= 16  # 12 reads of the tray's kinds (the referral queue and the
    # questions asked of me apart; owned actions, then their visibility) and the page's own
    print(f"tray page: {small_page} queries; API: {small_api}")


def test_no_agency_and_signed_out(world):
    from django.test import Client

    assert Client().get("/")["Location"] == "/sign-in/"
    assert Client().get("/api/v1/work/").status_code in (401, 403)
