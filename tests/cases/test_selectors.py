from __future__ import annotations

import pytest
from django.http import Http404

from apps.agencies.models import Role
from apps.agencies.services import membership_add, membership_end
from apps.cases.models import NoteVisibility
from apps.cases.permissions import case_permissions_sync
from apps.cases.selectors import case_access, case_get, case_list, note_list
from apps.cases.services import case_note_add, involvement_end
from tests.factories import actor_of, involve, make_case, make_member

pytestmark = pytest.mark.django_db


def levels_of(**kwargs):
    return case_access(**kwargs)[0]


def test_lead_and_partner_see_the_case_and_outsider_does_not(world, shared_case):
    assert list(case_list(actor=actor_of(world.lead_practitioner))) == [shared_case]
    assert list(case_list(actor=actor_of(world.partner_practitioner))) == [shared_case]
    assert list(case_list(actor=actor_of(world.outsider_manager))) == []
    with pytest.raises(Http404):
        case_get(actor=actor_of(world.outsider_manager), case_id=shared_case.pk)


def test_capabilities_follow_the_involvement_role(world, shared_case):
    lead_caps = levels_of(actor=actor_of(world.lead_practitioner), case=shared_case)
    partner_caps = levels_of(actor=actor_of(world.partner_practitioner),
                                     case=shared_case)
    levels = {"view_case", "contribute_case", "manage_case"}
    assert lead_caps & levels == {"view_case", "contribute_case", "manage_case"}
    assert partner_caps & levels == {"view_case", "contribute_case"}


def test_partner_sees_shared_notes_but_never_another_agencys_agency_notes(world, shared_case):
    lead = actor_of(world.lead_practitioner)
    partner = actor_of(world.partner_practitioner)
    shared = case_note_add(actor=lead, case=shared_case, text="Visited today.")
    private = case_note_add(actor=lead, case=shared_case, text="Internal only.",
                            visibility=NoteVisibility.AGENCY)
    partner_private = case_note_add(actor=partner, case=shared_case, text="Our own.",
                                    visibility=NoteVisibility.AGENCY)
    partner_sees = set(note_list(actor=partner, case=shared_case))
    lead_sees = set(note_list(actor=lead, case=shared_case))
    assert shared in partner_sees and partner_private in partner_sees
    assert private not in partner_sees
    assert private in lead_sees and partner_private not in lead_sees


def test_ending_an_involvement_removes_access_at_once(world, shared_case):
    involvement = shared_case.involvements.get(agency=world.partner)
    involvement_end(actor=actor_of(world.lead_manager), involvement=involvement,
                    reason="Work completed.")
    assert list(case_list(actor=actor_of(world.partner_practitioner))) == []


def test_secondee_sees_only_what_the_acting_agency_may_see(world, shared_case):
    secondee = make_member(agency=world.outsider)
    partner_membership = membership_add(actor=None, user=secondee.user, agency=world.partner,
                                        role=Role.PRACTITIONER)
    assert list(case_list(actor=actor_of(secondee))) == []
    assert list(case_list(actor=actor_of(partner_membership))) == [shared_case]


def test_ended_membership_sees_nothing(world, shared_case):
    membership_end(actor=None, membership=world.partner_practitioner)
    world.partner_practitioner.refresh_from_db()
    assert list(case_list(actor=actor_of(world.partner_practitioner))) == []


def test_restricted_case_is_granted_to_named_people_not_the_whole_agency(world):
    case = make_case(lead=world.lead_practitioner, restricted=True)
    other_practitioner = make_member(agency=world.lead)
    assert list(case_list(actor=actor_of(world.lead_practitioner))) == [case]
    assert list(case_list(actor=actor_of(world.lead_manager))) == [case]
    assert list(case_list(actor=actor_of(other_practitioner))) == []
    involve(case=case, manager=world.lead_manager, agency=world.partner,
            key_worker=world.partner_practitioner.user)
    assert list(case_list(actor=actor_of(world.partner_practitioner))) == [case]
    assert list(case_list(actor=actor_of(make_member(agency=world.partner)))) == []


def test_sync_reports_no_drift_after_services_and_repairs_tampering(world, shared_case):
    from apps.cases.models import CaseGroupObjectPermission

    assert not case_permissions_sync(case=shared_case, apply=False)
    CaseGroupObjectPermission.objects.filter(content_object=shared_case,
                                             group=world.partner.group).delete()
    drift = case_permissions_sync(case=shared_case)
    # view and contribute, and the six sections of a partner's default scope
    assert len(drift.added) == 8
    assert not case_permissions_sync(case=shared_case, apply=False)
