"""Hand-over to a team (issue 13): cases and actions become the team's to pick up (key worker
and owner cleared, the team told), referrals go back to the queue of the team handling their
service; a team of another agency is refused and nothing changes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.action_plans.models import Action
from apps.agencies.models import Role
from apps.agencies.team_services import team_create
from apps.audit.models import AccessEvent
from apps.cases.models import Involvement
from apps.core.exceptions import ServiceError
from apps.notifications.models import Notification
from apps.referrals.models import Referral
from apps.work.services import work_hand_over
from tests.conftest import client_for
from tests.factories import actor_of, involve, make_case, make_member
from tests.referrals.helpers import make_referral, make_service
from tests.work.helpers import action_for, idva_team, make_quiet

pytestmark = pytest.mark.django_db


def _leaver_with_work(world, shared_case):
    team, service, admin = idva_team(world)
    leaver = make_member(agency=world.partner)
    make_quiet(shared_case, agency=world.partner, user=leaver.user, days=0)
    action_for(world, shared_case, days=-2, owner=leaver)
    referral = make_referral(world=world, service=service)
    Referral.objects.filter(pk=referral.pk).update(assigned_to=leaver.user,
                                                   assigned_at=timezone.now())
    return team, service, admin, leaver, referral


def _state():
    return (list(Involvement.objects.order_by("pk").values_list("pk", "key_worker_id")),
            list(Action.objects.order_by("pk").values_list("pk", "owner_user_id")),
            list(Referral.objects.order_by("pk").values_list("pk", "assigned_to_id")),
            AccessEvent.objects.filter(action="hand_over").count())


def test_hand_over_to_a_team_in_one_step_is_audited_and_tells_the_team(world, shared_case):
    team, _service, _admin, leaver, referral = _leaver_with_work(world, shared_case)
    client = client_for(world.partner_manager)
    url = reverse("work:handover", args=[leaver.pk])
    page = client.get(url).content.decode()
    assert 'name="to_team"' in page and "IDVA team" in page
    involvement = Involvement.objects.get(case=shared_case, agency=world.partner)
    action = Action.objects.get()
    response = client.post(url, {"to_team": team.pk, "involvements": [involvement.pk],
                                 "actions": [action.pk], "referrals": [referral.pk]})
    assert response.status_code == 302
    involvement.refresh_from_db()
    action.refresh_from_db()
    referral.refresh_from_db()
    assert involvement.key_worker_id is None
    assert action.owner_user_id is None
    assert referral.assigned_to_id is None and referral.assigned_at is None
    events = AccessEvent.objects.filter(action="hand_over")
    assert events.count() == 1 + 1 + 1 + 1
    assert all(f"team {team.pk}" in e.basis for e in events)
    # The team's member (the partner practitioner) is told; the referral is in her queue.
    told = Notification.objects.filter(kind="work_handed_over")
    assert set(told.values_list("recipient_id", flat=True)) == {
        world.partner_practitioner.user_id}
    assert shared_case.reference not in told.get().title


def test_hand_over_to_a_team_refuses_referrals_of_another_teams_service(world, shared_case):
    team, _service, admin, leaver, referral = _leaver_with_work(world, shared_case)
    other_team = team_create(actor=actor_of(admin), name="Outreach")
    result = work_hand_over(actor=actor_of(world.partner_manager), from_membership=leaver,
                            to_team=other_team)
    assert (result.cases, result.actions, result.referrals) == (1, 1, 0)
    assert len(result.refused) == 1 and referral.case.reference in result.refused[0]
    referral.refresh_from_db()
    assert referral.assigned_to_id == leaver.user_id
    # A referral to a service with no team is refused too.
    unteamed = make_referral(world=world,
                             service=make_service(agency=world.partner, name="Outreach"),
                             case=make_case(lead=world.lead_practitioner))
    Referral.objects.filter(pk=unteamed.pk).update(assigned_to=leaver.user)
    result = work_hand_over(actor=actor_of(world.partner_manager), from_membership=leaver,
                            to_team=team, referral_ids=[unteamed.pk], involvement_ids=[],
                            action_ids=[])
    assert result.moved == 0 and len(result.refused) == 1
    assert Referral.objects.get(pk=unteamed.pk).assigned_to_id == leaver.user_id


def test_hand_over_to_a_team_refuses_a_case_the_agency_no_longer_sees(world, shared_case):
    team, *_ = idva_team(world)
    leaver = make_member(agency=world.partner)
    other = make_case(lead=world.lead_practitioner)
    involve(case=other, manager=world.lead_manager, agency=world.partner)
    make_quiet(other, agency=world.partner, user=leaver.user, days=0)
    Involvement.objects.filter(case=other, agency=world.partner).update(
        ends_at=timezone.now() - datetime.timedelta(minutes=1))
    result = work_hand_over(actor=actor_of(world.partner_manager), from_membership=leaver,
                            to_team=team)
    assert result.cases == 0 and other.reference in result.refused[0]
    assert Involvement.objects.get(case=other, agency=world.partner).key_worker_id == \
        leaver.user_id


def test_a_team_of_another_agency_is_refused_and_nothing_changes(world, shared_case):
    _team, _service, _admin, leaver, _referral = _leaver_with_work(world, shared_case)
    outsider_admin = make_member(agency=world.outsider, role=Role.AGENCY_ADMIN)
    foreign = team_create(actor=actor_of(outsider_admin), name="Their team")
    before = _state()
    client = client_for(world.partner_manager)
    url = reverse("work:handover", args=[leaver.pk])
    involvement = Involvement.objects.get(case=shared_case, agency=world.partner)
    response = client.post(url, {"to_team": foreign.pk, "involvements": [involvement.pk]})
    assert response.status_code == 400
    assert "Choose a team of your agency." in response.content.decode()
    assert _state() == before
    with pytest.raises(ServiceError) as refusal:
        work_hand_over(actor=actor_of(world.partner_manager), from_membership=leaver,
                       to_team=foreign)
    assert refusal.value.field == "to_team"
    assert _state() == before


def test_choose_a_colleague_or_a_team_not_both_nor_neither(world, shared_case):
    team, _service, _admin, leaver, _referral = _leaver_with_work(world, shared_case)
    colleague = make_member(agency=world.partner)
    before = _state()
    client = client_for(world.partner_manager)
    url = reverse("work:handover", args=[leaver.pk])
    involvement = Involvement.objects.get(case=shared_case, agency=world.partner)
    both = client.post(url, {"to_team": team.pk, "to_user": colleague.user_id,
                             "involvements": [involvement.pk]})
    assert both.status_code == 400 and "not both" in both.content.decode()
    neither = client.post(url, {"involvements": [involvement.pk]})
    assert neither.status_code == 400
    assert "Choose a colleague or a team to take the work." in neither.content.decode()
    assert _state() == before
    with pytest.raises(ServiceError):
        work_hand_over(actor=actor_of(world.partner_manager), from_membership=leaver,
                       to_user=colleague.user, to_team=team)
    assert _state() == before
