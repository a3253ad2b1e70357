from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from apps.cases.models import InvolvementRole
from apps.cases.selectors import case_list
from apps.core.exceptions import NotPermitted, ServiceError, TransitionNotAllowed
from apps.marac import dash, selectors, services
from apps.marac.models import MaracReferralStatus, Research, RiskChecklist
from apps.notifications.models import Notification
from tests.factories import actor_of, make_case
from tests.marac.helpers import (
    SHARING,
    answers,
    checklist,
    listed,
    make_marac,
    meeting,
    past_meeting,
    referral,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def marac(world):
    return make_marac(world)


def test_checklist_scores_and_records_routes(world, shared_case, marac):
    ck = checklist(membership=world.partner_practitioner, case=shared_case, area=marac.area,
                   yes=14, incidents_last_12_months=3)
    assert ck.score == 14 and ck.visible_high_risk and ck.escalation
    assert not ck.professional_judgement
    assert ck.decision == "pending"


def test_checklist_needs_every_answer_and_a_judgement_rationale(world, shared_case, marac):
    partial = answers(3)
    del partial["q07"]
    with pytest.raises(ServiceError) as exc:
        services.risk_checklist_create(actor=actor_of(world.lead_practitioner), case=shared_case,
                                       area=marac.area, answers=partial)
    assert exc.value.field == "q07"
    with pytest.raises(ServiceError):
        checklist(membership=world.lead_practitioner, case=shared_case, area=marac.area, yes=2,
                  professional_judgement=True)
    assert RiskChecklist.objects.count() == 0


def test_each_checklist_is_kept(world, shared_case, marac):
    checklist(membership=world.lead_practitioner, case=shared_case, area=marac.area, yes=3)
    checklist(membership=world.lead_practitioner, case=shared_case, area=marac.area, yes=15)
    assert list(selectors.case_checklists(case=shared_case).values_list("score", flat=True)) == [
        15, 3]


def test_outsider_cannot_complete_a_checklist(world, shared_case, marac):
    with pytest.raises(NotPermitted):
        checklist(membership=world.outsider_practitioner, case=shared_case, area=marac.area)


def test_decision_records_author_and_reason_once(world, shared_case, marac):
    ck = checklist(membership=world.lead_practitioner, case=shared_case, area=marac.area, yes=3)
    with pytest.raises(ServiceError):  # no route applies
        services.risk_checklist_decide(actor=actor_of(world.lead_practitioner), checklist=ck,
                                       decision="refer", reason="Worried.")
    services.risk_checklist_decide(actor=actor_of(world.lead_practitioner), checklist=ck,
                                   decision="not_refer", reason="Below threshold; IDVA support.")
    ck.refresh_from_db()
    assert ck.decided_by == world.lead_practitioner.user and ck.decided_at
    with pytest.raises(TransitionNotAllowed):
        services.risk_checklist_decide(actor=actor_of(world.lead_practitioner), checklist=ck,
                                       decision="not_refer", reason="Again.")


def test_referral_reuses_the_checklist_and_reaches_the_coordinator(world, shared_case, marac):
    ref = referral(membership=world.lead_practitioner, case=shared_case, area=marac.area)
    assert ref.status == MaracReferralStatus.SUBMITTED
    assert ref.checklist.score == 15 and ref.sharing_basis.lawful_basis == "vital_interests"
    assert shared_case.involvements.active().filter(
        agency=marac.csp, role=InvolvementRole.MARAC).exists()
    assert case_list(actor=actor_of(marac.coordinator)).filter(pk=shared_case.pk).exists()
    assert selectors.coordinator_inbox(actor=actor_of(marac.coordinator)) == [ref]
    assert Notification.objects.filter(recipient=marac.coordinator.user,
                                       kind="marac_referral").count() == 1


def test_victim_not_aware_needs_a_reason(world, shared_case, marac):
    ck = checklist(membership=world.lead_practitioner, case=shared_case, area=marac.area)
    services.risk_checklist_decide(actor=actor_of(world.lead_practitioner), checklist=ck,
                                   decision="refer", reason="High risk.")
    with pytest.raises(ServiceError) as exc:
        services.marac_referral_create(actor=actor_of(world.lead_practitioner), checklist=ck,
                                       route=dash.Route.VISIBLE_HIGH_RISK, reason="",
                                       victim_aware=False, sharing=SHARING)
    assert exc.value.field == "victim_not_aware_reason"
    with pytest.raises(ServiceError):  # a route that does not apply
        services.marac_referral_create(actor=actor_of(world.lead_practitioner), checklist=ck,
                                       route=dash.Route.ESCALATION, reason="",
                                       victim_aware=True, sharing=SHARING)


def test_manager_sign_off_when_the_area_requires_it(world, shared_case):
    marac = make_marac(world, manager_signoff_required=True)
    ref = referral(membership=world.lead_practitioner, case=shared_case, area=marac.area)
    assert ref.status == MaracReferralStatus.AWAITING_SIGNOFF
    assert selectors.coordinator_inbox(actor=actor_of(marac.coordinator)) == []
    with pytest.raises(NotPermitted):
        services.marac_referral_sign_off(actor=actor_of(world.lead_practitioner), referral=ref)
    services.marac_referral_sign_off(actor=actor_of(world.lead_manager), referral=ref)
    ref.refresh_from_db()
    assert ref.status == MaracReferralStatus.SUBMITTED
    assert ref.signed_off_by == world.lead_manager.user


@pytest.mark.parametrize(("months", "days_extra", "repeat"), [
    (12, 0, True),     # exactly at the window boundary: a repeat
    (12, 1, False),    # one day outside
    (11, 0, True),
])
def test_repeat_detection_at_the_window_boundary(world, marac, months, days_extra, repeat):
    from dateutil.relativedelta import relativedelta

    case = make_case(lead=world.lead_practitioner)
    today = timezone.localdate()
    heard_on = today - relativedelta(months=months) - datetime.timedelta(days=days_extra)
    at = timezone.make_aware(datetime.datetime.combine(heard_on, datetime.time(10, 0)))
    old = past_meeting(marac=marac, on=at)
    old.items.create(case=case)
    check = selectors.repeat_check(area=marac.area, person_id=case.subject_id, on=today)
    assert check.is_repeat is repeat
    assert check.last_heard_on == heard_on
    ref = referral(membership=world.lead_practitioner, case=case, area=marac.area)
    assert ref.is_repeat is repeat


def test_listing_involves_members_and_requests_research(world, shared_case, marac):
    ref, mtg, item = listed(world=world, marac=marac, case=shared_case)
    ref.refresh_from_db()
    assert ref.status == MaracReferralStatus.LISTED
    assert set(Research.objects.filter(item=item).values_list("agency_id", flat=True)) == {
        world.lead.pk, world.partner.pk}
    assert Notification.objects.filter(kind="marac_research",
                                       recipient=world.partner_practitioner.user).exists()
    with pytest.raises(TransitionNotAllowed):
        services.marac_referral_list_for_meeting(actor=actor_of(marac.coordinator),
                                                 referral=ref, meeting=mtg)


def test_only_the_coordinator_lists_or_returns(world, shared_case, marac):
    ref = referral(membership=world.lead_practitioner, case=shared_case, area=marac.area)
    mtg = meeting(marac=marac)
    with pytest.raises(NotPermitted):
        services.marac_referral_list_for_meeting(actor=actor_of(world.lead_manager),
                                                 referral=ref, meeting=mtg)
    with pytest.raises(ServiceError):
        services.marac_referral_return(actor=actor_of(marac.coordinator), referral=ref,
                                       reason=" ")
    services.marac_referral_return(actor=actor_of(marac.coordinator), referral=ref,
                                   reason="Below threshold; refer to IDVA.")
    ref.refresh_from_db()
    assert ref.status == MaracReferralStatus.RETURNED


def test_research_visibility_member_agencies_only_and_listed_cases_only(world, shared_case,
                                                                        marac):
    _ref, mtg, item = listed(world=world, marac=marac, case=shared_case)
    unlisted = make_case(lead=world.lead_practitioner)
    referral(membership=world.lead_practitioner, case=unlisted, area=marac.area)
    research = Research.objects.get(item=item, agency=world.partner)
    services.research_submit(actor=actor_of(world.partner_practitioner), research=research,
                             text="Two contacts with the IDVA service.")
    assert selectors.meeting_get(actor=actor_of(world.partner_practitioner), meeting_id=mtg.pk)
    pack = selectors.agenda(meeting=mtg)
    assert [i.case_id for i in pack] == [shared_case.pk]
    assert not selectors.meeting_list(actor=actor_of(world.outsider_practitioner)).exists()
    assert not selectors.research_list(actor=actor_of(world.outsider_practitioner)).exists()
    with pytest.raises(NotPermitted):
        services.research_submit(actor=actor_of(world.lead_practitioner), research=research,
                                 text="Not ours.")


def test_minutes_need_attendance_and_the_meeting_closes_when_all_minuted(world, shared_case,
                                                                         marac):
    _ref, mtg, item = listed(world=world, marac=marac, case=shared_case)
    coordinator = actor_of(marac.coordinator)
    with pytest.raises(TransitionNotAllowed):
        services.agenda_item_minute(actor=coordinator, item=item, minutes="Discussed.",
                                    risk_confirmed="high")
    services.attendance_record(actor=coordinator, meeting=mtg, rows={
        world.lead.pk: ("present", "DS Khan"), world.partner.pk: ("apologies", "")},
        confidentiality_read=True)
    with pytest.raises(TransitionNotAllowed):
        services.meeting_close(actor=coordinator, meeting=mtg)
    services.agenda_item_minute(actor=coordinator, item=item, minutes="Discussed.",
                                risk_confirmed="high")
    services.meeting_close(actor=coordinator, meeting=mtg)
    mtg.refresh_from_db()
    assert mtg.status == "held"
    research = Research.objects.filter(item=item).first()
    with pytest.raises(TransitionNotAllowed):
        services.research_submit(actor=actor_of(world.lead_practitioner), research=research,
                                 text="Late.")


def test_sharing_needs_an_active_agreement_with_the_marac(world, shared_case):
    from apps.agencies.models import Role
    from apps.marac.models import MaracArea
    from tests.factories import make_agency, make_member

    csp = make_agency(name="Another CSP")
    make_member(agency=csp, role=Role.COORDINATOR)
    area = MaracArea.objects.create(name="Elsewhere", coordinating_agency=csp)
    area.member_agencies.set([world.lead])
    with pytest.raises(ServiceError) as exc:
        referral(membership=world.lead_practitioner, case=shared_case, area=area)
    assert "data-sharing agreement" in exc.value.message
    assert not shared_case.involvements.active().filter(agency=csp).exists()
