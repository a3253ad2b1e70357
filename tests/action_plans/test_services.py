from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from apps.action_plans import selectors, services
from apps.action_plans.models import ActionStatus
from apps.action_plans.reminders import action_reminders
from apps.core.exceptions import NotPermitted, ServiceError, TransitionNotAllowed
from apps.marac import services as marac_services
from apps.notifications.models import Notification, Reminder
from tests.factories import actor_of, make_case
from tests.marac.helpers import listed, make_marac, meeting

pytestmark = pytest.mark.django_db


def _add(world, case, days=5, owner=None, **kw):
    return services.action_add(
        actor=actor_of(world.lead_practitioner), case=case, description="Safety plan visit.",
        owner_agency=world.partner, owner_user=owner, priority="high",
        due_date=timezone.localdate() + datetime.timedelta(days=days), **kw)


def test_any_involved_agency_contributes_to_one_plan(world, shared_case):
    _add(world, shared_case)
    services.action_add(actor=actor_of(world.partner_practitioner), case=shared_case,
                        description="Refuge referral.", owner_agency=world.lead,
                        due_date=timezone.localdate())
    services.action_plan_set_wishes(actor=actor_of(world.partner_practitioner),
                                    case=shared_case,
                                    what_person_wants="I want to stay in my home safely.")
    assert len(selectors.plan_actions(case=shared_case)) == 2
    assert selectors.plan_for_case(case=shared_case).what_person_wants.startswith("I want")


def test_owner_must_be_involved_and_outsiders_cannot_add(world, shared_case):
    with pytest.raises(ServiceError):
        services.action_add(actor=actor_of(world.lead_practitioner), case=shared_case,
                            description="x", owner_agency=world.outsider,
                            due_date=timezone.localdate())
    with pytest.raises(ServiceError):
        _add(world, shared_case, owner=world.lead_practitioner.user)  # not a partner member
    with pytest.raises(NotPermitted):
        services.action_add(actor=actor_of(world.outsider_practitioner), case=shared_case,
                            description="x", owner_agency=world.lead,
                            due_date=timezone.localdate())
    assert not selectors.action_list(actor=actor_of(world.outsider_practitioner)).exists()


def test_done_or_cancelled_with_a_note_once(world, shared_case):
    action = _add(world, shared_case)
    with pytest.raises(ServiceError):
        services.action_complete(actor=actor_of(world.partner_practitioner), action=action,
                                 note="")
    services.action_complete(actor=actor_of(world.partner_practitioner), action=action,
                             note="Visited; plan agreed.")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.closed_by
    with pytest.raises(TransitionNotAllowed):
        services.action_cancel(actor=actor_of(world.partner_practitioner), action=action,
                               note="x")


def test_only_owner_lead_or_coordinator_closes(world, shared_case):
    action = services.action_add(actor=actor_of(world.partner_practitioner), case=shared_case,
                                 description="x", owner_agency=world.partner,
                                 due_date=timezone.localdate())
    other = make_case(lead=world.partner_practitioner)
    from tests.factories import involve

    involve(case=other, manager=world.partner_manager, agency=world.lead)
    theirs = services.action_add(actor=actor_of(world.partner_practitioner), case=other,
                                 description="y", owner_agency=world.partner,
                                 due_date=timezone.localdate())
    # the lead agency of shared_case may close; on `other` the lead is only a partner
    services.action_cancel(actor=actor_of(world.lead_practitioner), action=action,
                           note="Circumstances changed: moved away.")
    with pytest.raises(NotPermitted):
        services.action_complete(actor=actor_of(world.lead_practitioner), action=theirs,
                                 note="Not ours.")


def test_reminders_each_stage_once(world, shared_case):
    marac = make_marac(world)
    _ref, mtg, _item = listed(world=world, marac=marac, case=shared_case)
    today = timezone.localdate()
    action = services.action_add(
        actor=actor_of(marac.coordinator), case=shared_case, description="Visit.",
        owner_agency=world.partner, owner_user=world.partner_practitioner.user,
        due_date=today + datetime.timedelta(days=2), meeting=mtg)
    assert action_reminders(today=today) == {"before_due": 1, "due": 0, "overdue": 0}
    assert action_reminders(today=today) == {"before_due": 0, "due": 0, "overdue": 0}
    due_day = today + datetime.timedelta(days=2)
    assert action_reminders(today=due_day) == {"before_due": 0, "due": 1, "overdue": 0}
    later = today + datetime.timedelta(days=3)
    assert action_reminders(today=later) == {"before_due": 0, "due": 0, "overdue": 1}
    assert action_reminders(today=later) == {"before_due": 0, "due": 0, "overdue": 0}
    assert Reminder.objects.filter(kind="action", target_id=action.pk).count() == 3
    overdue = set(Notification.objects.filter(kind="action_overdue").values_list(
        "recipient_id", flat=True))
    assert overdue == {world.partner_manager.user_id, marac.coordinator.user_id}
    owner = Notification.objects.filter(recipient=world.partner_practitioner.user,
                                        kind__in=["action_due_soon", "action_due"])
    assert owner.count() == 2
    assert all(shared_case.subject.family_name not in n.title for n in
               Notification.objects.filter(target_type="action"))


def test_overdue_actions_escalate_once_per_manager_per_run(world, shared_case):
    """Three of the partner's actions fall overdue on the same day: its manager hears once,
    with the count and a link to the agency's open actions; the owner heard of each."""
    today = timezone.localdate()
    for _ in range(3):
        _add(world, shared_case, days=0, owner=world.partner_practitioner.user)
    assert action_reminders(today=today) == {"before_due": 0, "due": 3, "overdue": 0}
    later = today + datetime.timedelta(days=1)
    assert action_reminders(today=later) == {"before_due": 0, "due": 0, "overdue": 3}
    escalations = list(Notification.objects.filter(kind="action_overdue"))
    assert [(n.recipient_id, n.target_type, n.target_id, n.title, n.url)
            for n in escalations] == [
        (world.partner_manager.user_id, "agency", world.partner.pk,
         "Escalation: 3 actions are overdue", "/marac/#actions")]
    due = Notification.objects.get(kind="action_due")
    assert (due.recipient_id, due.title) == (world.partner_practitioner.user_id,
                                             "3 actions are due today")


def test_next_meeting_shows_previous_outstanding_split(world, shared_case):
    marac = make_marac(world)
    _ref, first, _item = listed(world=world, marac=marac, case=shared_case)
    coordinator = actor_of(marac.coordinator)
    kept = services.action_add(actor=coordinator, case=shared_case, description="Not done yet",
                               owner_agency=world.partner, due_date=timezone.localdate(),
                               meeting=first)
    changed = services.action_add(actor=coordinator, case=shared_case, description="Moved",
                                  owner_agency=world.lead, due_date=timezone.localdate(),
                                  meeting=first)
    done = services.action_add(actor=coordinator, case=shared_case, description="Done",
                               owner_agency=world.lead, due_date=timezone.localdate(),
                               meeting=first)
    services.action_cancel(actor=actor_of(world.lead_practitioner), action=changed,
                           note="Circumstances changed: perpetrator in custody.")
    services.action_complete(actor=actor_of(world.lead_practitioner), action=done, note="Done.")
    second = meeting(marac=marac, days=30)
    from apps.marac.selectors import previous_meeting

    assert previous_meeting(meeting=second) == first
    out = selectors.outstanding_from_meeting(meeting=first)
    assert out.not_done == [kept] and out.circumstances_changed == [changed]
    assert marac_services  # imported for parity with the MARAC flow
