"""Every referral transition, allowed and refused, and what each does to case access."""

from __future__ import annotations

import pytest
from django.http import Http404

from apps.audit.models import AccessEvent
from apps.cases.selectors import case_get
from apps.consent.models import SharingBasis
from apps.core.exceptions import NotPermitted, ServiceError, TransitionNotAllowed
from apps.notifications.models import Notification
from apps.referrals import services
from apps.referrals.models import Referral, ReferralStatus
from apps.referrals.selectors import referral_events, referral_get
from tests.factories import actor_of, make_case, make_member
from tests.referrals.helpers import CONSENT, LAWFUL, make_referral, make_service

pytestmark = pytest.mark.django_db

S = ReferralStatus


def _sees_case(membership, case) -> bool:
    try:
        case_get(actor=actor_of(membership), case_id=case.pk)
    except Http404:
        return False
    return True


def test_draft_is_saved_without_a_basis_and_prefills_the_case_summary(world):
    case = make_case(lead=world.lead_practitioner)
    referral = services.referral_create(
        actor=actor_of(world.lead_practitioner), case=case,
        to_service=make_service(agency=world.partner), reason="Needs support")
    assert referral.status == S.DRAFT
    assert referral.shared_information == case.summary  # tell it once
    assert referral.sharing_basis is None
    with pytest.raises(Http404):  # a draft is the referrer's alone
        referral_get(actor=actor_of(world.partner_practitioner), referral_id=referral.pk)


def test_submit_sends_it_with_a_due_time_and_notifies_the_receiving_agency(world):
    referral = make_referral(world=world)
    assert referral.status == S.SUBMITTED
    assert referral.submitted_at and referral.due_at > referral.submitted_at
    assert referral.escalate_at > referral.due_at
    assert referral_get(actor=actor_of(world.partner_practitioner), referral_id=referral.pk)
    recipients = set(Notification.objects.filter(kind="referral_submitted")
                     .values_list("recipient_id", flat=True))
    assert recipients == {world.partner_practitioner.user_id, world.partner_manager.user_id}
    title = Notification.objects.filter(kind="referral_submitted").first().title
    assert referral.case.subject.family_name not in title
    assert referral.case.reference in title
    assert [e.to_status for e in referral_events(referral=referral)] == [S.DRAFT, S.SUBMITTED]


def test_submit_with_a_lawful_basis_records_why_the_person_was_not_told(world):
    case = make_case(lead=world.lead_practitioner)
    referral = services.referral_create(
        actor=actor_of(world.lead_practitioner), case=case,
        to_service=make_service(agency=world.partner), reason="Risk", basis=LAWFUL,
        shared_information="Incident log.", submit=True)
    basis = referral.sharing_basis
    assert basis.kind == "lawful_basis" and not basis.person_told
    assert basis.decided_by == world.lead_practitioner.user


@pytest.mark.parametrize(("basis", "field"), [
    ({"kind": "consent", "consent_given_by": "person"}, "consent_given_on"),
    ({"kind": "consent", "consent_given_on": "2026-01-01"}, "consent_given_by"),
    ({"kind": "lawful_basis", "lawful_basis": "vital_interests"}, "justification"),
    ({"kind": "lawful_basis", "justification": "x"}, "lawful_basis"),
    ({**CONSENT, "person_told": False}, "not_told_reason"),
    ({"kind": "neither"}, "sharing_kind"),
])
def test_an_incomplete_basis_is_refused_and_nothing_is_saved(world, basis, field):
    case = make_case(lead=world.lead_practitioner)
    with pytest.raises(ServiceError) as err:
        services.referral_create(actor=actor_of(world.lead_practitioner), case=case,
                                 to_service=make_service(agency=world.partner), reason="r",
                                 basis=basis, submit=True)
    assert err.value.field == field
    assert not Referral.objects.exists() and not SharingBasis.objects.exists()


def test_submit_needs_reason_shared_information_and_basis(world):
    case = make_case(lead=world.lead_practitioner)
    actor = actor_of(world.lead_practitioner)
    service = make_service(agency=world.partner)
    draft = services.referral_create(actor=actor, case=case, to_service=service)
    with pytest.raises(ServiceError, match="reason"):
        services.referral_submit(actor=actor, referral=draft)
    services.referral_update(actor=actor, referral=draft, data={"reason": "Needs help"})
    with pytest.raises(ServiceError, match="basis"):
        services.referral_submit(actor=actor, referral=draft)
    services.referral_update(actor=actor, referral=draft, data={"basis": CONSENT})
    assert services.referral_submit(actor=actor, referral=draft).status == S.SUBMITTED
    with pytest.raises(TransitionNotAllowed):  # a sent referral is no longer a draft
        services.referral_update(actor=actor, referral=draft, data={"reason": "x"})


def test_a_service_not_accepting_referrals_refuses_submission(world):
    service = make_service(agency=world.partner, accepting=False)
    with pytest.raises(ServiceError, match="not accepting"):
        make_referral(world=world, service=service)


def test_refer_only_from_a_case_the_agency_can_contribute_to(world):
    case = make_case(lead=world.lead_practitioner)
    with pytest.raises(NotPermitted):
        services.referral_create(actor=actor_of(world.outsider_practitioner), case=case,
                                 to_service=make_service(agency=world.partner), reason="r")


def test_cannot_refer_to_own_agency(world):
    case = make_case(lead=world.lead_practitioner)
    with pytest.raises(ServiceError, match="another agency"):
        services.referral_create(actor=actor_of(world.lead_practitioner), case=case,
                                 to_service=make_service(agency=world.lead), reason="r")


def test_receiving_agency_sees_the_referral_but_not_the_case_until_it_accepts(world):
    referral = make_referral(world=world)
    assert not _sees_case(world.partner_practitioner, referral.case)
    accepted = services.referral_accept(actor=actor_of(world.partner_practitioner),
                                        referral=referral)
    assert accepted.status == S.ACCEPTED and accepted.decided_by == world.partner_practitioner.user
    assert _sees_case(world.partner_practitioner, referral.case)
    involvement = accepted.involvement
    assert involvement.agency == world.partner and involvement.role == "partner"
    assert "Consent given by the person" in involvement.basis
    assert Notification.objects.filter(kind="referral_accepted",
                                       recipient=world.lead_practitioner.user).exists()
    assert AccessEvent.objects.filter(object_id=referral.pk, action="accept").exists()


def test_decline_records_the_reason_and_signpost_and_gives_no_case_access(world):
    referral = make_referral(world=world)
    better = make_service(agency=world.outsider, name="Housing support")
    declined = services.referral_decline(
        actor=actor_of(world.partner_manager), referral=referral, category="wrong_service",
        reason="Housing is the first need.", signpost_service=better)
    assert declined.status == S.DECLINED and declined.signpost_service == better
    assert not _sees_case(world.partner_manager, referral.case)
    assert "Housing support" in referral_events(referral=referral).last().text


@pytest.mark.parametrize(("category", "reason", "field"), [
    ("", "why", "decline_category"), ("no_capacity", "  ", "decline_reason")])
def test_decline_needs_a_category_and_text(world, category, reason, field):
    referral = make_referral(world=world)
    with pytest.raises(ServiceError) as err:
        services.referral_decline(actor=actor_of(world.partner_manager), referral=referral,
                                  category=category, reason=reason)
    assert err.value.field == field
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED


def test_info_request_goes_back_to_the_referrer_and_returns_when_answered(world):
    referral = make_referral(world=world)
    partner, lead = actor_of(world.partner_practitioner), actor_of(world.lead_practitioner)
    asked = services.referral_request_info(actor=partner, referral=referral,
                                           question="Is there a safe number?")
    assert asked.status == S.INFO_REQUESTED
    with pytest.raises(TransitionNotAllowed):
        services.referral_accept(actor=partner, referral=referral)
    with pytest.raises(NotPermitted):  # only the referrer answers
        services.referral_respond(actor=partner, referral=referral, answer="x")
    with pytest.raises(ServiceError):
        services.referral_respond(actor=lead, referral=referral, answer=" ")
    answered = services.referral_respond(actor=lead, referral=referral,
                                         answer="Yes, the office line.")
    assert answered.status == S.SUBMITTED and answered.info_response
    assert services.referral_accept(actor=partner, referral=referral).status == S.ACCEPTED
    statuses = [e.to_status for e in referral_events(referral=referral)]
    assert statuses == [S.DRAFT, S.SUBMITTED, S.INFO_REQUESTED, S.SUBMITTED, S.ACCEPTED]


@pytest.mark.parametrize("ask_first", [False, True])
def test_referrer_withdraws_before_a_decision(world, ask_first):
    referral = make_referral(world=world)
    if ask_first:
        services.referral_request_info(actor=actor_of(world.partner_practitioner),
                                       referral=referral, question="More?")
    with pytest.raises(NotPermitted):
        services.referral_withdraw(actor=actor_of(world.partner_practitioner),
                                   referral=referral)
    withdrawn = services.referral_withdraw(actor=actor_of(world.lead_practitioner),
                                           referral=referral, reason="Person moved away.")
    assert withdrawn.status == S.WITHDRAWN and withdrawn.withdrawn_at
    with pytest.raises(TransitionNotAllowed):
        services.referral_accept(actor=actor_of(world.partner_practitioner), referral=referral)


def test_complete_after_acceptance_records_the_outcome(world):
    referral = make_referral(world=world)
    partner = actor_of(world.partner_practitioner)
    with pytest.raises(TransitionNotAllowed):
        services.referral_complete(actor=partner, referral=referral, outcome="Done")
    services.referral_accept(actor=partner, referral=referral)
    with pytest.raises(ServiceError):
        services.referral_complete(actor=partner, referral=referral, outcome="")
    with pytest.raises(NotPermitted):
        services.referral_complete(actor=actor_of(world.lead_practitioner), referral=referral,
                                   outcome="Done")
    done = services.referral_complete(actor=partner, referral=referral,
                                      outcome="Safety plan in place; case closed.")
    assert done.status == S.COMPLETED and done.completed_at
    with pytest.raises(TransitionNotAllowed):
        services.referral_withdraw(actor=actor_of(world.lead_practitioner), referral=referral)


REFUSED = [  # (action, state it is in) pairs that are not allowed
    ("submit", S.SUBMITTED), ("submit", S.ACCEPTED),
    ("accept", S.DRAFT), ("accept", S.DECLINED), ("accept", S.WITHDRAWN),
    ("accept", S.COMPLETED), ("decline", S.ACCEPTED), ("decline", S.INFO_REQUESTED),
    ("request_info", S.INFO_REQUESTED), ("request_info", S.ACCEPTED),
    ("respond", S.SUBMITTED), ("withdraw", S.ACCEPTED), ("withdraw", S.DECLINED),
    ("withdraw", S.DRAFT), ("complete", S.SUBMITTED), ("complete", S.DECLINED),
]


@pytest.mark.parametrize(("action", "state"), REFUSED)
def test_refused_transitions(world, action, state):
    referral = make_referral(world=world)
    Referral.objects.filter(pk=referral.pk).update(status=state)
    side = services.TRANSITIONS[action][2]
    actor = actor_of(world.partner_practitioner if side == "to" else world.lead_practitioner)
    call = {
        "submit": lambda: services.referral_submit(actor=actor, referral=referral),
        "accept": lambda: services.referral_accept(actor=actor, referral=referral),
        "decline": lambda: services.referral_decline(actor=actor, referral=referral,
                                                     category="other", reason="r"),
        "request_info": lambda: services.referral_request_info(actor=actor,
                                                               referral=referral, question="q"),
        "respond": lambda: services.referral_respond(actor=actor, referral=referral,
                                                     answer="a"),
        "withdraw": lambda: services.referral_withdraw(actor=actor, referral=referral),
        "complete": lambda: services.referral_complete(actor=actor, referral=referral,
                                                       outcome="o"),
    }[action]
    with pytest.raises(TransitionNotAllowed):
        call()


@pytest.mark.parametrize("action", ["accept", "decline", "request_info", "complete"])
def test_only_the_receiving_agency_decides(world, action):
    referral = make_referral(world=world)
    if action == "complete":
        services.referral_accept(actor=actor_of(world.partner_practitioner), referral=referral)
    for member in (world.lead_manager, world.outsider_manager):
        actor = actor_of(member)
        with pytest.raises(NotPermitted):
            {"accept": lambda a=actor: services.referral_accept(actor=a, referral=referral),
             "decline": lambda a=actor: services.referral_decline(
                 actor=a, referral=referral, category="other", reason="r"),
             "request_info": lambda a=actor: services.referral_request_info(
                 actor=a, referral=referral, question="q"),
             "complete": lambda a=actor: services.referral_complete(
                 actor=a, referral=referral, outcome="o")}[action]()


def test_auditor_of_the_receiving_agency_cannot_decide(world):
    referral = make_referral(world=world)
    auditor = make_member(agency=world.partner, role="auditor")
    with pytest.raises(NotPermitted):
        services.referral_accept(actor=actor_of(auditor), referral=referral)


def test_a_second_decision_names_the_first(world):
    referral = make_referral(world=world)
    services.referral_accept(actor=actor_of(world.partner_practitioner), referral=referral)
    with pytest.raises(TransitionNotAllowed, match="already accepted by"):
        services.referral_decline(actor=actor_of(world.partner_manager), referral=referral,
                                  category="other", reason="r")


def test_allowed_actions_match_the_side_and_state(world):
    referral = make_referral(world=world)
    assert services.allowed_actions(actor=actor_of(world.partner_practitioner),
                                    referral=referral) == {"accept", "decline", "request_info"}
    assert services.allowed_actions(actor=actor_of(world.lead_practitioner),
                                    referral=referral) == {"withdraw"}
