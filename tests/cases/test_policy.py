"""apps.cases.policy: the one answer to "may this actor do X here?" (issue 12), with the owner
(lead agency), partner, outsider, auditor and MARAC coordinator, each with its exact answer;
and the pages that used to re-code a rule now show exactly what the policy allows."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.action_plans import services as action_services
from apps.agencies.models import Role
from apps.cases import policy
from apps.core.exceptions import NotPermitted
from apps.marac.models import Research
from tests.conftest import client_for
from tests.factories import actor_of, make_agency, make_member
from tests.marac.helpers import checklist, listed, make_marac

CASE_VERBS = ("see", "contribute", "update", "manage", "refer")

# who: (see, contribute, update, manage, refer) on shared_case (led by world.lead, world.partner
# a partner; the outsider is not involved).
CASE_MATRIX = {
    "lead_practitioner": (True, True, True, False, True),
    "lead_manager": (True, True, True, True, True),
    "lead_admin": (True, True, True, False, True),
    "lead_auditor": (True, False, False, False, False),
    "partner_practitioner": (True, True, False, False, True),
    "partner_manager": (True, True, False, False, True),
    "outsider_practitioner": (False, False, False, False, False),
    "outsider_manager": (False, False, False, False, False),
}


def _membership(world, who: str):
    if who == "lead_auditor":
        return make_member(agency=world.lead, role=Role.AUDITOR)
    return getattr(world, who)


FUNCTIONS = {"see": policy.may_see_case, "contribute": policy.may_contribute,
             "update": policy.may_update_case, "manage": policy.may_manage,
             "refer": policy.may_refer}


@pytest.mark.parametrize("who", sorted(CASE_MATRIX))
def test_case_questions(world, shared_case, who):
    actor = actor_of(_membership(world, who))
    expected = dict(zip(CASE_VERBS, CASE_MATRIX[who], strict=True))
    may = policy.case_abilities(actor=actor, case=shared_case)
    assert {verb: getattr(may, verb) for verb in CASE_VERBS} == expected
    assert {verb: FUNCTIONS[verb](actor=actor, case=shared_case)
            for verb in CASE_VERBS} == expected


def test_no_actor_may_do_nothing(shared_case):
    may = policy.case_abilities(actor=None, case=shared_case)
    assert not any(getattr(may, verb) for verb in CASE_VERBS)
    assert policy.is_writer(actor=None) is False


def test_require_raises_not_permitted_or_404(world, shared_case):
    partner = actor_of(world.partner_practitioner)
    outsider = actor_of(world.outsider_practitioner)
    policy.require_contribute(actor=partner, case=shared_case)  # allowed: no error
    with pytest.raises(NotPermitted):
        policy.require_update_case(actor=partner, case=shared_case)
    with pytest.raises(Http404):
        policy.require_update_case(actor=partner, case=shared_case, hide=True)
    with pytest.raises(NotPermitted, match="cannot add notes"):
        policy.require_contribute(actor=outsider, case=shared_case,
                                  message="Your agency cannot add notes to this case.")
    with pytest.raises(Http404):
        policy.require_see_case(actor=outsider, case=shared_case)
    auditor = actor_of(make_member(agency=world.lead, role=Role.AUDITOR))
    with pytest.raises(NotPermitted, match="Auditors cannot make referrals"):
        policy.require_refer(actor=auditor, case=shared_case)
    with pytest.raises(NotPermitted, match="cannot refer from this case"):
        policy.require_refer(actor=outsider, case=shared_case)


@pytest.mark.parametrize(("who", "lead_involvement", "partner_involvement"), [
    ("lead_manager", True, False),
    ("lead_practitioner", False, False),
    ("partner_manager", False, True),
    ("partner_practitioner", False, False),
    ("outsider_manager", False, False),
])
def test_key_worker(world, shared_case, who, lead_involvement, partner_involvement):
    actor = actor_of(getattr(world, who))
    lead = shared_case.involvements.get(agency=world.lead)
    partner = shared_case.involvements.get(agency=world.partner)
    assert policy.may_set_key_worker(actor=actor, involvement=lead) is lead_involvement
    assert policy.may_set_key_worker(actor=actor, involvement=partner) is partner_involvement


def test_key_worker_auditor(world, shared_case):
    auditor = actor_of(make_member(agency=world.lead, role=Role.AUDITOR))
    lead = shared_case.involvements.get(agency=world.lead)
    assert policy.may_set_key_worker(actor=auditor, involvement=lead) is False


# Referrals between agencies -----------------------------------------------------------------


def test_referral_sides(world, shared_case):
    from apps.referrals.services import referral_create

    referral = referral_create(actor=actor_of(world.lead_practitioner), case=shared_case,
                               to_agency=world.outsider, reason="Housing.", submit=False)
    auditor = actor_of(make_member(agency=world.lead, role=Role.AUDITOR))
    cases = [(world.lead_practitioner, "from", True), (world.lead_practitioner, "to", False),
             (world.outsider_practitioner, "to", True),
             (world.outsider_practitioner, "from", False),
             (world.partner_practitioner, "from", False)]
    for membership, side, expected in cases:
        assert policy.may_act_on_referral(actor=actor_of(membership), referral=referral,
                                          side=side) is expected, (membership, side)
    assert policy.may_act_on_referral(actor=auditor, referral=referral, side="from") is False


# Action plans and MARAC ---------------------------------------------------------------------


@pytest.fixture
def marac_world(world, shared_case):
    marac = make_marac(world)
    ref, mtg, item = listed(world=world, marac=marac, case=shared_case)
    coordinator = actor_of(marac.coordinator)
    plain = action_services.action_add(
        actor=actor_of(world.partner_practitioner), case=shared_case, description="Visit",
        owner_agency=world.partner, due_date=timezone.localdate())
    agreed = action_services.action_add(
        actor=coordinator, case=shared_case, description="Safety plan",
        owner_agency=world.partner, due_date=timezone.localdate(), meeting=mtg)
    other_csp = make_agency(name="Elsewhere CSP")
    return {"marac": marac, "referral": ref, "meeting": mtg, "item": item, "plain": plain,
            "agreed": agreed,
            "other_coordinator": make_member(agency=other_csp, role=Role.COORDINATOR)}


def test_close_action(world, shared_case, marac_world):
    plain, agreed = marac_world["plain"], marac_world["agreed"]
    auditor = make_member(agency=world.lead, role=Role.AUDITOR)
    partner_auditor = make_member(agency=world.partner, role=Role.AUDITOR)
    expected = {
        # who: (plain action owned by the partner, MARAC-agreed action owned by the partner)
        "owner (partner)": (world.partner_practitioner, True, True),
        "lead agency": (world.lead_practitioner, True, True),
        "coordinator": (marac_world["marac"].coordinator, False, True),
        "other coordinator": (marac_world["other_coordinator"], False, False),
        "outsider": (world.outsider_practitioner, False, False),
        "lead auditor": (auditor, False, False),
        "owner's auditor": (partner_auditor, False, False),
    }
    for label, (membership, on_plain, on_agreed) in expected.items():
        actor = actor_of(membership)
        assert policy.may_close_action(actor=actor, action=plain) is on_plain, label
        assert policy.may_close_action(actor=actor, action=agreed) is on_agreed, label


def test_marac_questions(world, shared_case, marac_world):
    marac, mtg, ref = marac_world["marac"], marac_world["meeting"], marac_world["referral"]
    coordinator = actor_of(marac.coordinator)
    other = actor_of(marac_world["other_coordinator"])
    csp_auditor = actor_of(make_member(agency=marac.csp, role=Role.AUDITOR))
    for actor, expected in [(coordinator, True), (other, False), (csp_auditor, False),
                            (actor_of(world.lead_manager), False)]:
        assert policy.may_coordinate(actor=actor, area=marac.area) is expected
        assert policy.may_list_at_marac(actor=actor, referral=ref) is expected
        assert policy.may_minute(actor=actor, meeting=mtg) is expected
    with pytest.raises(NotPermitted):
        policy.require_coordinate(actor=other, area=marac.area)

    research = Research.objects.get(item=marac_world["item"], agency=world.lead)
    lead_auditor = actor_of(make_member(agency=world.lead, role=Role.AUDITOR))
    assert policy.may_record_research(actor=actor_of(world.lead_practitioner),
                                      research=research) is True
    assert policy.may_record_research(actor=lead_auditor, research=research) is False
    assert policy.may_record_research(actor=actor_of(world.partner_practitioner),
                                      research=research) is False

    assert policy.may_sign_off_marac_referral(actor=actor_of(world.lead_manager),
                                              referral=ref) is True
    assert policy.may_sign_off_marac_referral(actor=actor_of(world.lead_practitioner),
                                              referral=ref) is False
    assert policy.may_sign_off_marac_referral(actor=actor_of(world.partner_manager),
                                              referral=ref) is False


def test_checklist_questions(world, shared_case):
    marac = make_marac(world)
    ck = checklist(membership=world.lead_practitioner, case=shared_case, area=marac.area)
    lead_auditor = actor_of(make_member(agency=world.lead, role=Role.AUDITOR))
    for membership, decide, refer in [(world.lead_practitioner, True, True),
                                      (world.lead_manager, True, True),
                                      (world.partner_practitioner, False, False),
                                      (world.outsider_practitioner, False, False)]:
        actor = actor_of(membership)
        assert policy.may_decide_checklist(actor=actor, checklist=ck) is decide
        assert policy.may_refer_to_marac(actor=actor, checklist=ck) is refer
    assert policy.may_decide_checklist(actor=lead_auditor, checklist=ck) is False
    assert policy.may_refer_to_marac(actor=lead_auditor, checklist=ck) is False


# Pages show what the policy allows (they used to re-code the rules) ---------------------------


def test_plan_page_offers_the_coordinator_to_close_a_meeting_action(world, shared_case,
                                                                    marac_world):
    """The plan page decided who may close without the coordinator rule the service applies."""
    agreed = marac_world["agreed"]
    close_url = reverse("action_plans:close", kwargs={"action_id": agreed.pk})
    plan_url = reverse("action_plans:plan", kwargs={"case_id": shared_case.pk})
    coordinator = client_for(marac_world["marac"].coordinator)
    assert close_url in coordinator.get(plan_url).content.decode()
    assert coordinator.get(close_url).status_code == 200


def test_close_page_is_404_for_whoever_may_not_close(world, shared_case, marac_world):
    plain = marac_world["plain"]
    close_url = reverse("action_plans:close", kwargs={"action_id": plain.pk})
    plan_url = reverse("action_plans:plan", kwargs={"case_id": shared_case.pk})
    coordinator = client_for(marac_world["marac"].coordinator)
    assert close_url not in coordinator.get(plan_url).content.decode()
    assert coordinator.get(close_url).status_code == 404
    response = coordinator.post(close_url, {"outcome": "done", "note": "Done."})
    assert response.status_code == 404
    plain.refresh_from_db()
    assert plain.status == "open" and plain.closed_by_id is None


def test_key_worker_link_follows_the_policy(world, shared_case):
    page = client_for(world.partner_manager).get(
        reverse("cases:detail", kwargs={"case_id": shared_case.pk})).content.decode()
    partner = shared_case.involvements.get(agency=world.partner)
    lead = shared_case.involvements.get(agency=world.lead)
    assert reverse("cases:key-worker", kwargs={"case_id": shared_case.pk,
                                               "involvement_id": partner.pk}) in page
    assert reverse("cases:key-worker", kwargs={"case_id": shared_case.pk,
                                               "involvement_id": lead.pk}) not in page
