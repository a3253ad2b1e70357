"""The enforcement rules, consent, DSAs and their lifecycle, and emergency access."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from apps.audit.models import AccessEvent
from apps.cases.models import CaseUserObjectPermission, Involvement
from apps.cases.permissions import case_permissions_sync
from apps.cases.selectors import case_get, case_list
from apps.cases.services import involvement_add, involvement_end
from apps.consent import services
from apps.consent.models import DsaStatus, EmergencyAccess, SharingPolicy
from apps.consent.reminders import consent_reminders, dsa_sweep
from apps.consent.selectors import access_explanation, flagged_involvements
from apps.consent.services import SharingRefused
from apps.core.exceptions import NotPermitted, ServiceError, TransitionNotAllowed
from apps.notifications.models import Notification
from apps.referrals.services import referral_create, referral_submit
from tests.consent.helpers import make_consent, stranger_agency
from tests.factories import actor_of, make_case, make_member
from tests.referrals.helpers import LAWFUL, make_service

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


def _involve(world, case, agency, **kwargs):
    return involvement_add(actor=actor_of(world.lead_manager), case=case, agency=agency,
                           basis="Support with tenancy.", **kwargs)


def _draft(world, other_agency, start=None):
    today = timezone.localdate()
    return services.dsa_create(
        actor=actor_of(world.lead_admin), title="Police and charity", purpose="Safeguarding.",
        lawful_basis="public_task", data_categories="Case details.", retention="Six years.",
        start_date=start or today, review_date=today + datetime.timedelta(days=100),
        end_date=today + datetime.timedelta(days=200), parties=[other_agency])


# --- DSAs ------------------------------------------------------------------------------------

def test_sharing_without_any_agreement_is_refused_and_nothing_is_saved(world):
    agency, _manager, _admin = stranger_agency()
    case = make_case(lead=world.lead_practitioner)
    with pytest.raises(SharingRefused, match="no active data-sharing agreement"):
        _involve(world, case, agency)
    assert not Involvement.objects.filter(case=case, agency=agency).exists()


def test_unsigned_agreement_refuses_until_every_party_has_signed(world):
    agency, _manager, admin = stranger_agency()
    case = make_case(lead=world.lead_practitioner)
    agreement = _draft(world, agency)
    assert agreement.status == DsaStatus.DRAFT
    services.dsa_sign(actor=actor_of(world.lead_admin), agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == DsaStatus.AWAITING_SIGNATURES
    with pytest.raises(SharingRefused):
        _involve(world, case, agency)
    services.dsa_sign(actor=actor_of(admin), agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == DsaStatus.ACTIVE
    assert _involve(world, case, agency).agency == agency


def test_signed_agreement_not_yet_started_refuses(world):
    agency, _manager, admin = stranger_agency()
    agreement = _draft(world, agency, start=timezone.localdate() + datetime.timedelta(days=5))
    services.dsa_sign(actor=actor_of(world.lead_admin), agreement=agreement)
    services.dsa_sign(actor=actor_of(admin), agreement=agreement)
    with pytest.raises(SharingRefused):
        _involve(world, make_case(lead=world.lead_practitioner), agency)


def test_expired_agreement_refuses_and_the_sweep_marks_it_expired(world):
    agency, _manager, _admin = stranger_agency()
    today = timezone.localdate()
    agreement = services.dsa_create_active_for_demo(
        agency_ids=[world.lead.pk, agency.pk], title="Old", user=world.lead_admin.user,
        start_date=today - datetime.timedelta(days=400),
        end_date=today - datetime.timedelta(days=1))
    with pytest.raises(SharingRefused):
        _involve(world, make_case(lead=world.lead_practitioner), agency)
    assert dsa_sweep()["expired"] == 1
    agreement.refresh_from_db()
    assert agreement.status == DsaStatus.EXPIRED


def test_terminated_agreement_refuses(world):
    agency, _manager, admin = stranger_agency()
    agreement = services.dsa_create_active_for_demo(
        agency_ids=[world.lead.pk, agency.pk], title="Short", user=world.lead_admin.user)
    services.dsa_terminate(actor=actor_of(admin), agreement=agreement, reason="Service closed.")
    with pytest.raises(SharingRefused):
        _involve(world, make_case(lead=world.lead_practitioner), agency)
    assert Notification.objects.filter(kind="dsa_terminated",
                                       recipient=world.lead_admin.user).exists()
    with pytest.raises(TransitionNotAllowed):
        services.dsa_terminate(actor=actor_of(admin), agreement=agreement, reason="Again.")


def test_only_a_partys_own_admin_signs_and_only_once(world):
    agency, manager, admin = stranger_agency()
    agreement = _draft(world, agency)
    with pytest.raises(NotPermitted):  # a manager of a party is not its admin
        services.dsa_sign(actor=actor_of(manager), agreement=agreement)
    outsider_admin = make_member(agency=world.outsider, role="agency_admin")
    with pytest.raises(NotPermitted):  # an admin of another agency
        services.dsa_sign(actor=actor_of(outsider_admin), agreement=agreement)
    with pytest.raises(NotPermitted):
        services.dsa_terminate(actor=actor_of(outsider_admin), agreement=agreement,
                               reason="Not mine.")
    services.dsa_sign(actor=actor_of(admin), agreement=agreement)
    with pytest.raises(TransitionNotAllowed):
        services.dsa_sign(actor=actor_of(admin), agreement=agreement)


def test_drafting_is_for_admins_of_any_kind_of_agency(world):
    agency, manager, admin = stranger_agency()  # a voluntary agency drafts: parity
    with pytest.raises(NotPermitted):
        services.dsa_create(actor=actor_of(manager), title="x", purpose="x",
                            lawful_basis="public_task", data_categories="x", retention="x",
                            start_date=TODAY(), review_date=TODAY(), end_date=TODAY(),
                            parties=[world.lead])
    with pytest.raises(ServiceError, match="review date"):
        services.dsa_create(actor=actor_of(admin), title="x", purpose="x",
                            lawful_basis="public_task", data_categories="x", retention="x",
                            start_date=TODAY(), review_date=TODAY() - datetime.timedelta(1),
                            end_date=TODAY(), parties=[world.lead])
    agreement = services.dsa_create(
        actor=actor_of(admin), title="Charity and police", purpose="x",
        lawful_basis="public_task", data_categories="x", retention="x", start_date=TODAY(),
        review_date=TODAY(), end_date=TODAY() + datetime.timedelta(days=30),
        parties=[world.lead])
    assert set(agreement.parties.values_list("agency_id", flat=True)) == {agency.pk,
                                                                           world.lead.pk}
    assert Notification.objects.filter(kind="dsa_to_sign",
                                       recipient=world.lead_admin.user).exists()


def test_dsa_reminders_before_review_and_end_are_sent_once(world):
    agency, _manager, admin = stranger_agency()
    today = timezone.localdate()
    services.dsa_create_active_for_demo(
        agency_ids=[world.lead.pk, agency.pk], title="Ending", user=world.lead_admin.user,
        end_date=today + datetime.timedelta(days=10))
    first = dsa_sweep()
    assert first["review"] >= 1 and first["end"] == 1
    assert dsa_sweep()["end"] == 0
    assert Notification.objects.filter(kind="dsa_end", recipient=admin.user).count() == 1


# --- Basis and consent -----------------------------------------------------------------------


def test_a_party_admin_hears_once_of_several_agreements_ending(world):
    """Two agreements with the same stranger agency end within the notice period: its admin
    gets one summary pointing at the sharing page, not one notification per agreement."""
    agency, _manager, admin = stranger_agency()
    today = timezone.localdate()
    for title in ("First", "Second"):
        services.dsa_create_active_for_demo(
            agency_ids=[world.lead.pk, agency.pk], title=title, user=world.lead_admin.user,
            end_date=today + datetime.timedelta(days=10))
    assert dsa_sweep()["end"] == 2
    (summary,) = Notification.objects.filter(kind="dsa_end", recipient=admin.user)
    assert (summary.target_type, summary.target_id, summary.url) == ("agency", agency.pk,
                                                                     "/sharing/")
    assert summary.title == "2 data-sharing agreements are ending"

def test_withdrawn_consent_is_refused(world):
    case = make_case(lead=world.lead_practitioner)
    consent = make_consent(membership=world.lead_practitioner, person=case.subject,
                           agencies=[world.partner])
    services.consent_withdraw(actor=actor_of(world.lead_practitioner), consent=consent,
                              note="Changed their mind.")
    with pytest.raises(SharingRefused, match="withdrawn"):
        _involve(world, case, world.partner,
                 sharing_basis={"kind": "consent", "consent": consent})


def test_consent_out_of_scope_is_refused_and_in_scope_allowed(world):
    case = make_case(lead=world.lead_practitioner)
    only_outsider = make_consent(membership=world.lead_practitioner, person=case.subject,
                                 agencies=[world.outsider])
    with pytest.raises(SharingRefused, match="does not cover sharing with Safe Haven"):
        _involve(world, case, world.partner,
                 sharing_basis={"kind": "consent", "consent": only_outsider})
    voluntary = make_consent(membership=world.lead_practitioner, person=case.subject,
                             kinds=["voluntary"])
    involvement = _involve(world, case, world.partner,
                           sharing_basis={"kind": "consent", "consent": voluntary})
    assert involvement.sharing_basis.consent == voluntary


def test_consent_about_another_person_or_purpose_is_refused(world):
    case = make_case(lead=world.lead_practitioner)
    other = make_case(lead=world.lead_practitioner)
    consent = make_consent(membership=world.lead_practitioner, person=other.subject,
                           kinds=["voluntary"])
    with pytest.raises(SharingRefused, match="different person"):
        _involve(world, case, world.partner, sharing_basis={"kind": "consent",
                                                            "consent": consent})
    support_only = make_consent(membership=world.lead_practitioner, person=case.subject,
                                kinds=["voluntary"], purposes=["support"])
    referral = referral_create(
        actor=actor_of(world.lead_practitioner), case=case,
        to_service=make_service(agency=world.partner), reason="Needs support",
        shared_information="x", basis={"kind": "consent", "consent": support_only})
    with pytest.raises(SharingRefused, match="purpose"):
        referral_submit(actor=actor_of(world.lead_practitioner), referral=referral)


def test_referral_submission_is_refused_without_an_agreement(world):
    agency, _manager, _admin = stranger_agency()
    referral = referral_create(
        actor=actor_of(world.lead_practitioner), case=make_case(lead=world.lead_practitioner),
        to_service=make_service(agency=agency), reason="Needs support", shared_information="x",
        basis=LAWFUL)
    with pytest.raises(SharingRefused, match="no active data-sharing agreement"):
        referral_submit(actor=actor_of(world.lead_practitioner), referral=referral)
    referral.refresh_from_db()
    assert referral.status == "draft"


def test_policy_requires_a_managers_approval_to_share_without_consent(world):
    SharingPolicy.objects.create(agency=world.lead, without_consent_needs_approval=True)
    referral = referral_create(
        actor=actor_of(world.lead_practitioner), case=make_case(lead=world.lead_practitioner),
        to_service=make_service(agency=world.partner), reason="Needs support",
        shared_information="x", basis=LAWFUL)
    with pytest.raises(SharingRefused, match="manager's approval"):
        referral_submit(actor=actor_of(world.lead_practitioner), referral=referral)
    with pytest.raises(NotPermitted):
        services.sharing_basis_approve(actor=actor_of(world.partner_manager),
                                       sharing_basis=referral.sharing_basis)
    services.sharing_basis_approve(actor=actor_of(world.lead_manager),
                                   sharing_basis=referral.sharing_basis)
    referral.refresh_from_db()
    assert referral_submit(actor=actor_of(world.lead_practitioner),
                           referral=referral).status == "submitted"


def test_override_allows_the_share_flags_the_audit_and_tells_both_admins(world):
    agency, _manager, admin = stranger_agency()
    case = make_case(lead=world.lead_practitioner)
    involvement = _involve(world, case, agency,
                           override_reason="Imminent risk to life; no time for an agreement.")
    assert involvement.ended_at is None
    event = AccessEvent.objects.get(action="override", case_id=case.pk)
    assert event.basis.startswith("EMERGENCY OVERRIDE")
    assert event.user_id == world.lead_manager.user_id
    for recipient in (world.lead_admin.user, admin.user):
        assert Notification.objects.filter(kind="sharing_override", recipient=recipient,
                                           target_id=case.pk).exists()
    assert agency.name not in Notification.objects.filter(kind="sharing_override").first().url


def test_withdrawal_flags_involvements_resting_on_it_until_the_lead_decides(world):
    case = make_case(lead=world.lead_practitioner)
    consent = make_consent(membership=world.lead_practitioner, person=case.subject,
                           agencies=[world.partner])
    involvement = _involve(world, case, world.partner,
                           sharing_basis={"kind": "consent", "consent": consent})
    services.consent_withdraw(actor=actor_of(world.lead_practitioner), consent=consent,
                              note="No longer wants Safe Haven involved.")
    with pytest.raises(TransitionNotAllowed):
        services.consent_withdraw(actor=actor_of(world.lead_practitioner), consent=consent,
                                  note="Again.")
    assert Notification.objects.filter(kind="consent_withdrawn",
                                       recipient=world.lead_manager.user).exists()
    lead = actor_of(world.lead_manager)
    assert list(flagged_involvements(actor=lead)) == [involvement]
    assert access_explanation(actor=actor_of(world.partner_practitioner),
                              case=case).reasons[0].consent_withdrawn
    # Reminded once a day until decided.
    assert consent_reminders()["consent_flag"] == 1
    assert consent_reminders()["consent_flag"] == 0
    assert Notification.objects.filter(kind="consent_flag",
                                       recipient=world.lead_manager.user).count() == 1
    # Another basis clears the flag.
    services.involvement_basis_record(actor=lead, involvement=involvement, basis=LAWFUL)
    assert not flagged_involvements(actor=lead).exists()


def test_ending_a_flagged_involvement_removes_access(world):
    case = make_case(lead=world.lead_practitioner)
    consent = make_consent(membership=world.lead_practitioner, person=case.subject,
                           agencies=[world.partner])
    involvement = _involve(world, case, world.partner,
                           sharing_basis={"kind": "consent", "consent": consent})
    services.consent_withdraw(actor=actor_of(world.lead_practitioner), consent=consent,
                              note="Withdrawn.")
    involvement_end(actor=actor_of(world.lead_manager), involvement=involvement,
                    reason="Consent withdrawn.")
    with pytest.raises(Http404):
        case_get(actor=actor_of(world.partner_practitioner), case_id=case.pk)
    assert not flagged_involvements(actor=actor_of(world.lead_manager)).exists()


def test_consent_needs_scope_and_purpose_and_review_is_reminded_once(world):
    case = make_case(lead=world.lead_practitioner)
    with pytest.raises(ServiceError, match="agencies"):
        make_consent(membership=world.lead_practitioner, person=case.subject)
    with pytest.raises(ServiceError, match="purpose"):
        make_consent(membership=world.lead_practitioner, person=case.subject,
                     kinds=["voluntary"], purposes=())
    consent = make_consent(membership=world.lead_practitioner, person=case.subject,
                           kinds=["voluntary"])
    assert consent_reminders(today=consent.review_date)["consent_review"] == 1
    assert consent_reminders(today=consent.review_date)["consent_review"] == 0
    assert Notification.objects.filter(kind="consent_review",
                                       recipient=world.lead_practitioner.user).exists()


# --- Emergency access ------------------------------------------------------------------------

def _break_glass(world, case):
    return services.emergency_access_start(
        actor=actor_of(world.outsider_practitioner), case=case,
        reason="Found unconscious at a property we manage; need risk information.")


def test_break_glass_grants_view_logs_and_notifies_then_expires(world, shared_case):
    outsider = actor_of(world.outsider_practitioner)
    with pytest.raises(Http404):
        case_get(actor=outsider, case_id=shared_case.pk)
    access = _break_glass(world, shared_case)
    assert case_get(actor=outsider, case_id=shared_case.pk) == shared_case
    grants = CaseUserObjectPermission.objects.filter(
        content_object=shared_case, user=world.outsider_practitioner.user)
    # view (never contribute), and the emergency scope's sections (apps/cases/sections.py)
    assert set(grants.values_list("permission__codename", flat=True)) == {
        "view_case", "view_case_identity", "view_case_contact", "view_case_people",
        "view_case_risk", "view_case_chronology", "view_case_plan"}
    assert not case_permissions_sync(case=shared_case, apply=False)  # no drift
    assert AccessEvent.objects.filter(action="emergency_access", case_id=shared_case.pk,
                                      basis__startswith="EMERGENCY ACCESS").exists()
    assert Notification.objects.filter(kind="emergency_access",
                                       recipient=world.lead_manager.user).exists()
    # Other members of the outsider agency still see nothing.
    with pytest.raises(Http404):
        case_get(actor=actor_of(world.outsider_manager), case_id=shared_case.pk)
    # It falls due: access stops at once, even before the sweep runs...
    EmergencyAccess.objects.filter(pk=access.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert not case_list(actor=outsider).filter(pk=shared_case.pk).exists()
    # ... and the sweep ends it and removes the grant.
    assert services.emergency_access_expire() == 1
    access.refresh_from_db()
    assert access.ended_at is not None
    assert not CaseUserObjectPermission.objects.filter(
        content_object=shared_case, user=world.outsider_practitioner.user).exists()
    assert AccessEvent.objects.filter(action="emergency_access_ended").exists()
    assert services.emergency_access_expire() == 0


def test_break_glass_needs_a_reason_and_a_case_you_cannot_see(world, shared_case):
    with pytest.raises(ServiceError, match="Explain"):
        services.emergency_access_start(actor=actor_of(world.outsider_practitioner),
                                        case=shared_case, reason="  ")
    with pytest.raises(TransitionNotAllowed):
        services.emergency_access_start(actor=actor_of(world.partner_practitioner),
                                        case=shared_case, reason="I want to see it again.")
    auditor = make_member(agency=world.outsider, role="auditor")
    with pytest.raises(NotPermitted):
        services.emergency_access_start(actor=actor_of(auditor), case=shared_case,
                                        reason="Curious about the case.")
    assert not EmergencyAccess.objects.exists()


def test_break_glass_is_view_only(world, shared_case):
    from apps.cases import policy

    _break_glass(world, shared_case)
    may = policy.case_abilities(actor=actor_of(world.outsider_practitioner), case=shared_case)
    assert may.see and not may.contribute and not may.update and not may.manage
    assert "contribute_case" not in may.held and "manage_case" not in may.held
