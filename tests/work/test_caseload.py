"""The manager's view (issue 13): caseloads, escalations with reassign, hand-over, workforce
figures and the caseload API; own agency only, everyone else 404 (or an empty list)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.action_plans.models import Action
from apps.agencies.models import Role, Team
from apps.audit.models import AccessEvent
from apps.cases.models import Involvement
from apps.core.exceptions import NotPermitted, ServiceError
from apps.referrals.models import Referral
from apps.work.caseload import team_loads, worker_loads, workers
from apps.work.services import work_hand_over
from tests.conftest import api_client_for, client_for
from tests.factories import actor_of, involve, make_case, make_member
from tests.referrals.helpers import make_referral
from tests.work.helpers import action_for, idva_team, make_quiet

pytestmark = pytest.mark.django_db


def _busy_world(world, shared_case):
    _team, service, admin = idva_team(world)
    make_quiet(shared_case, agency=world.partner, user=world.partner_practitioner.user, days=0)
    action_for(world, shared_case, days=-2)
    action_for(world, shared_case, days=5)
    referral = make_referral(world=world, service=service)
    Referral.objects.filter(pk=referral.pk).update(
        assigned_to=world.partner_practitioner.user,
        escalate_at=timezone.now() - datetime.timedelta(hours=1))
    return service, admin, referral


def test_caseload_per_worker_and_team(world, shared_case):
    _busy_world(world, shared_case)
    actor = actor_of(world.partner_manager)
    members = list(workers(actor=actor))
    load = worker_loads(actor=actor, memberships=members)[world.partner_practitioner.user_id]
    assert (load.open_cases, load.key_worker_cases, load.open_actions, load.overdue_actions,
            load.referrals_awaiting) == (1, 1, 2, 1, 1)
    assert load.oldest_referral is not None
    teams = {row.team.name if row.team else None: row.load for row in team_loads(actor=actor)}
    assert teams["IDVA team"].open_actions == 2
    # Not a manager, or another agency's manager: nothing.
    assert list(workers(actor=actor_of(world.partner_practitioner))) == []
    assert world.partner_practitioner.user_id not in worker_loads(
        actor=actor_of(world.outsider_manager), memberships=members)


def test_caseload_page_shows_escalations_and_reassigns_in_one_click(world, shared_case):
    _service, _admin, referral = _busy_world(world, shared_case)
    client = client_for(world.partner_manager)
    html = client.get(reverse("work:caseload")).content.decode()
    assert 'data-testid="escalated-referrals"' in html
    assert 'data-testid="escalated-actions"' in html
    # One shared "Reassign to" list (not one per item), and each item posts to its own address.
    assert html.count('<select') == 1 and html.count('name="user"') == 1
    assert f'formaction="{reverse("referrals:assign", args=[referral.pk])}"' in html
    overdue = Action.objects.filter(due_date__lt=timezone.localdate()).get()
    assert f'formaction="{reverse("work:action-reassign", args=[overdue.pk])}"' in html
    colleague = make_member(agency=world.partner)
    response = client.post(reverse("referrals:assign", args=[referral.pk]),
                           {"user": colleague.user_id})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.assigned_to_id == colleague.user_id
    response = client.post(reverse("work:action-reassign", args=[overdue.pk]),
                           {"user": colleague.user_id})
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.owner_user_id == colleague.user_id


def test_manager_pages_are_404_to_others_and_change_nothing(world, shared_case):
    _busy_world(world, shared_case)
    overdue = Action.objects.filter(due_date__lt=timezone.localdate()).get()
    for member in (world.partner_practitioner, world.lead_practitioner):
        assert client_for(member).get(reverse("work:caseload")).status_code == 404
    # The lead's manager cannot reassign the partner's action (not the owner agency).
    response = client_for(world.lead_manager).post(
        reverse("work:action-reassign", args=[overdue.pk]),
        {"user": world.lead_practitioner.user_id})
    assert response.status_code == 404
    # The outsider cannot even see it.
    response = client_for(world.outsider_manager).post(
        reverse("work:action-reassign", args=[overdue.pk]),
        {"user": world.outsider_practitioner.user_id})
    assert response.status_code == 404
    overdue.refresh_from_db()
    assert overdue.owner_user_id == world.partner_practitioner.user_id
    url = reverse("work:handover", args=[world.partner_practitioner.pk])
    assert client_for(world.partner_practitioner).get(url).status_code == 404
    assert client_for(world.outsider_manager).get(url).status_code == 404
    assert client_for(world.lead_manager).get(url).status_code == 404


def test_hand_over_moves_everything_in_one_step_and_is_audited(world, shared_case):
    _busy_world(world, shared_case)
    leaver = world.partner_practitioner
    colleague = make_member(agency=world.partner)
    client = client_for(world.partner_manager)
    url = reverse("work:handover", args=[leaver.pk])
    page = client.get(url).content.decode()
    assert shared_case.reference in page
    involvement = Involvement.objects.get(case=shared_case, agency=world.partner)
    actions = list(Action.objects.values_list("pk", flat=True))
    referral = Referral.objects.get()
    response = client.post(url, {"to_user": colleague.user_id,
                                 "involvements": [involvement.pk],
                                 "actions": actions, "referrals": [referral.pk]})
    assert response.status_code == 302
    involvement.refresh_from_db()
    referral.refresh_from_db()
    assert involvement.key_worker_id == colleague.user_id
    assert referral.assigned_to_id == colleague.user_id
    assert set(Action.objects.values_list("owner_user_id", flat=True)) == {colleague.user_id}
    assert AccessEvent.objects.filter(action="hand_over").count() == 1 + 1 + 2 + 1


def test_hand_over_refuses_a_case_the_new_owner_could_not_see(world, shared_case):
    leaver = world.partner_practitioner
    make_quiet(shared_case, agency=world.partner, user=leaver.user, days=0)
    other = make_case(lead=world.lead_practitioner)
    involve(case=other, manager=world.lead_manager, agency=world.partner)
    make_quiet(other, agency=world.partner, user=leaver.user, days=0)
    Involvement.objects.filter(case=other, agency=world.partner).update(
        ends_at=timezone.now() - datetime.timedelta(minutes=1))
    colleague = make_member(agency=world.partner)
    result = work_hand_over(actor=actor_of(world.partner_manager), from_membership=leaver,
                            to_user=colleague.user)
    assert result.cases == 1 and len(result.refused) == 1
    assert other.reference in result.refused[0]
    assert Involvement.objects.get(case=other, agency=world.partner).key_worker_id == \
        leaver.user_id
    # A member of another agency, or a practitioner acting, is refused outright.
    with pytest.raises(ServiceError):
        work_hand_over(actor=actor_of(world.partner_manager), from_membership=leaver,
                       to_user=world.outsider_practitioner.user)
    with pytest.raises(NotPermitted):
        work_hand_over(actor=actor_of(colleague), from_membership=leaver,
                       to_user=colleague.user)


def test_ending_a_membership_with_open_work_prompts_the_hand_over(world, shared_case):
    admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    leaver = world.partner_practitioner
    client = client_for(admin)
    url = reverse("agencies:member-end", args=[leaver.pk])
    assert 'data-testid="open-work"' not in client.get(url).content.decode()
    make_quiet(shared_case, agency=world.partner, user=leaver.user, days=0)
    html = client.get(url).content.decode()
    assert 'data-testid="open-work"' in html
    assert reverse("work:handover", args=[leaver.pk]) in html
    assert client.get(reverse("work:handover", args=[leaver.pk])).status_code == 200


def test_workforce_figures_and_csv(world, shared_case):
    _busy_world(world, shared_case)
    admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    for member in (world.partner_manager, admin):
        client = client_for(member)
        assert client.get(reverse("work:workforce")).status_code == 200
        response = client.get(reverse("work:workforce-csv"))
        assert response.status_code == 200
        body = response.content.decode()
        assert body.startswith("Team,Workers") and "IDVA team" in body
    assert client_for(world.partner_practitioner).get(
        reverse("work:workforce")).status_code == 404
    assert client_for(world.partner_practitioner).get(
        reverse("work:workforce-csv")).status_code == 404


def test_caseload_api_for_managers_only(world, shared_case):
    _busy_world(world, shared_case)
    body = api_client_for(world.partner_manager).get("/api/v1/caseload/").json()
    rows = {row["username"]: row for row in body["results"]}
    assert rows[world.partner_practitioner.user.username]["load"]["overdue_actions"] == 1
    assert world.lead_practitioner.user.username not in rows
    for member in (world.partner_practitioner, world.outsider_manager):
        body = api_client_for(member).get("/api/v1/caseload/").json()
        assert body["results"] == [] or world.partner_practitioner.user.username not in {
            row["username"] for row in body["results"]}
    assert api_client_for(world.partner_practitioner).get(
        "/api/v1/caseload/").json()["results"] == []


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_caseload_page_and_api_query_counts_are_fixed(world, shared_case):
    _busy_world(world, shared_case)
    client, api = client_for(world.partner_manager), api_client_for(world.partner_manager)
    page, listed = _count(client, reverse("work:caseload")), _count(api, "/api/v1/caseload/")
    teams = _count(client, reverse("work:caseload-teams"))
    for _ in range(5):
        member = make_member(agency=world.partner)
        case = make_case(lead=world.lead_practitioner)
        involve(case=case, manager=world.lead_manager, agency=world.partner)
        make_quiet(case, agency=world.partner, user=member.user, days=0)
        action_for(world, case, days=-1, owner=member)
    assert _count(client, reverse("work:caseload")) == page
    assert _count(api, "/api/v1/caseload/") == listed
    assert _count(client, reverse("work:caseload-teams")) == teams
    print(f"caseload page: {page} queries; by team: {teams}; API: {listed}")


def test_caseload_by_team_page_adds_up_each_team(world, shared_case):
    _busy_world(world, shared_case)
    url = reverse("work:caseload-teams")
    html = client_for(world.partner_manager).get(url).content.decode()
    assert 'data-testid="team-loads"' in html and "IDVA team" in html and "Not in a team" in html
    assert html.count('class="govuk-summary-card__title"') == Team.objects.filter(
        agency=world.partner).count() + 1  # each team, then "Not in a team"
    assert client_for(world.partner_practitioner).get(url).status_code == 404
    for manager in (world.lead_manager, world.outsider_manager):  # their own agency's teams
        assert "IDVA team" not in client_for(manager).get(url).content.decode()


def test_hand_over_runs_the_same_queries_however_much_is_moved(world, shared_case):
    """One UPDATE and one audit INSERT per kind of work, not a save per row."""
    leaver = world.partner_practitioner
    manager = actor_of(world.partner_manager)

    def hand_over_counted(to) -> int:
        with CaptureQueriesContext(connection) as ctx:
            result = work_hand_over(actor=manager, from_membership=leaver, to_user=to.user)
        assert result.refused == []
        return len(ctx.captured_queries)

    action_for(world, shared_case, days=3)
    few = hand_over_counted(make_member(agency=world.partner))
    Action.objects.update(owner_user=leaver.user)
    for days in (4, 5, 6, 7):
        action_for(world, shared_case, days=days)
    assert Action.objects.filter(owner_user=leaver.user).count() == 5
    assert hand_over_counted(make_member(agency=world.partner)) == few
    assert AccessEvent.objects.filter(action="hand_over", object_type="action").count() == 1 + 5
