"""Scopes: set from the policy table, changed by the lead's manager with a reason, and timed
MARAC access that ends by itself (or narrows to the agency's open actions)."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.action_plans.models import ActionStatus
from apps.action_plans.services import action_add, action_complete
from apps.audit.models import AccessEvent
from apps.cases import sections
from apps.cases.models import CaseGroupObjectPermission, CaseNote, Involvement
from apps.cases.permissions import case_permissions_sync
from apps.cases.selectors import case_access, case_list
from apps.cases.services import involvement_expire, involvement_scope_change
from apps.cases.tasks import involvements_expire
from apps.core.exceptions import NotPermitted, ServiceError
from apps.marac import services as marac_services
from apps.marac.models import AgendaItem
from tests.conftest import api_client_for, client_for
from tests.factories import actor_of, make_agency, make_case, make_member
from tests.marac.helpers import listed, make_marac

pytestmark = pytest.mark.django_db


def sections_of(**kwargs):
    return case_access(**kwargs)[1]


def _grants(case, agency) -> set[str]:
    return set(CaseGroupObjectPermission.objects.filter(
        content_object=case, group=agency.group).values_list("permission__codename", flat=True))


def test_policy_table_never_gives_contact_to_the_person_causing_harms_side():
    for (role, works_with), scope in sections.POLICY.items():
        if works_with == sections.WorksWith.PERSON_CAUSING_HARM:
            assert "contact" not in scope.widest, role
        assert "identity" in scope.default


def test_partner_starts_with_its_default_scope_and_grants_follow(world, shared_case):
    partner = Involvement.objects.get(case=shared_case, agency=world.partner)
    assert partner.sections == ["identity", "contact", "people", "risk", "chronology", "plan"]
    assert {"view_case_contact", "view_case_chronology"} <= _grants(shared_case, world.partner)


@pytest.fixture
def marac_case(world):
    """A case listed at MARAC: Housing Options joins on the MARAC basis."""
    marac = make_marac(world)
    housing = make_agency(name="Housing Options")
    marac.area.member_agencies.add(housing)
    from apps.consent.services import dsa_create_active_for_demo

    dsa_create_active_for_demo(agency_ids=[marac.csp.pk, housing.pk], title="MARAC housing",
                               user=marac.coordinator.user)
    case = make_case(lead=world.lead_practitioner, address_line_1="7 Quiet Road",
                     safe_times="SAFE-TIME-MARKER")
    ref, meeting, item = listed(world=world, marac=marac, case=case)
    return marac, housing, case, ref, meeting, item


def test_marac_involvement_gets_the_marac_scope_and_the_referrers_basis(world, marac_case):
    _marac, housing, case, ref, _meeting, _item = marac_case
    involvement = Involvement.objects.get(case=case, agency=housing)
    assert involvement.sections == ["identity", "risk", "plan_own"]
    assert involvement.sharing_basis_id == ref.sharing_basis_id
    assert "vital interests" in involvement.basis.lower()  # the referrer's choice (helpers)
    grants = _grants(case, housing)
    assert "view_case_contact" not in grants and "view_case_chronology" not in grants
    html = client_for(make_member(agency=housing)).get(f"/cases/{case.pk}/").content.decode()
    assert "7 Quiet Road" not in html and "SAFE-TIME-MARKER" not in html
    assert "Not shared with your agency" in html


def _close(marac, meeting, item) -> None:
    coordinator = actor_of(marac.coordinator)
    marac_services.attendance_record(actor=coordinator, meeting=meeting, rows={},
                                     confidentiality_read=True)
    marac_services.agenda_item_minute(actor=coordinator, item=item, minutes="Agreed.",
                                      risk_confirmed="high")
    marac_services.meeting_close(actor=coordinator, meeting=meeting)


@override_settings(WRAPAROUND_MARAC_ACCESS_DAYS=28)
def test_meeting_close_sets_the_end_and_the_selector_honours_it_before_the_sweep(
        world, marac_case):
    marac, housing, case, _ref, meeting, item = marac_case
    _close(marac, meeting, item)
    meeting.refresh_from_db()
    involvement = Involvement.objects.get(case=case, agency=housing, ended_at__isnull=True)
    assert involvement.ends_at == meeting.held_at + datetime.timedelta(days=28)
    coordinating = Involvement.objects.get(case=case, agency=marac.csp)
    assert coordinating.ends_at is None  # the coordinating agency keeps the MARAC record
    member = make_member(agency=housing)
    assert case_list(actor=actor_of(member)).filter(pk=case.pk).exists()
    # 28 days later, beat down: no sweep has run, and the case is already gone.
    Involvement.objects.filter(pk=involvement.pk).update(
        ends_at=timezone.now() - datetime.timedelta(seconds=1))
    assert not case_list(actor=actor_of(member)).filter(pk=case.pk).exists()
    assert client_for(member).get(f"/cases/{case.pk}/").status_code == 404
    assert api_client_for(member).get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_sweep_ends_the_involvement_revokes_grants_notes_and_audits(world, marac_case):
    _marac, housing, case, _ref, _meeting, _item = marac_case
    involvement = Involvement.objects.get(case=case, agency=housing)
    Involvement.objects.filter(pk=involvement.pk).update(
        ends_at=timezone.now() - datetime.timedelta(minutes=5))
    assert involvements_expire.apply().get() == 1
    involvement.refresh_from_db()
    assert involvement.ended_at is not None
    assert _grants(case, housing) == set()
    assert CaseNote.objects.filter(case=case, kind="system",
                                   text="Housing Options' MARAC access ended.").exists()
    assert AccessEvent.objects.filter(object_id=involvement.pk, action="expire",
                                      channel="system").exists()
    assert not case_permissions_sync(case=case, apply=False)
    assert involvements_expire.apply().get() == 0  # once


def test_an_agency_owning_open_actions_narrows_to_them_until_they_close(world, marac_case):
    _marac, housing, case, _ref, _meeting, _item = marac_case
    owner = make_member(agency=housing)
    action = action_add(actor=actor_of(world.lead_practitioner), case=case,
                        description="Assess for a sanctuary scheme.", owner_agency=housing,
                        due_date=timezone.localdate() + datetime.timedelta(days=7))
    involvement = Involvement.objects.get(case=case, agency=housing)
    Involvement.objects.filter(pk=involvement.pk).update(
        ends_at=timezone.now() - datetime.timedelta(minutes=5))
    # Before the sweep: the selectors already narrow to identity and own actions.
    assert sections_of(actor=actor_of(owner), case=case).sections == {"identity", "plan_own"}
    involvement_expire(involvement_id=involvement.pk)
    involvement.refresh_from_db()
    assert involvement.ended_at is None and involvement.sections == ["identity", "plan_own"]
    assert _grants(case, housing) == {"view_case", "contribute_case", "view_case_identity",
                                      "view_case_plan_own"}
    action_complete(actor=actor_of(owner), action=action, note="Locks fitted.")
    assert action.__class__.objects.get(pk=action.pk).status == ActionStatus.DONE
    assert not case_list(actor=actor_of(owner)).filter(pk=case.pk).exists()
    involvement_expire(involvement_id=involvement.pk)
    involvement.refresh_from_db()
    assert involvement.ended_at is not None and _grants(case, housing) == set()


def test_relisting_clears_the_end(world, marac_case):
    marac, housing, case, _ref, meeting, item = marac_case
    _close(marac, meeting, item)
    assert Involvement.objects.get(case=case, agency=housing).ends_at is not None
    listed(world=world, marac=marac, case=case)
    assert Involvement.objects.get(case=case, agency=housing).ends_at is None
    assert AgendaItem.objects.filter(case=case).count() == 2


def test_lead_manager_widens_a_scope_with_a_reason(world, marac_case):
    _marac, housing, case, _ref, _meeting, _item = marac_case
    involvement = Involvement.objects.get(case=case, agency=housing)
    involvement_scope_change(actor=actor_of(world.lead_manager), involvement=involvement,
                             sections=["identity", "risk", "plan_own", "contact"],
                             reason="Sanctuary scheme needs the address.")
    involvement.refresh_from_db()
    assert involvement.sections == ["identity", "contact", "risk", "plan_own"]
    assert involvement.scope_reason == "Sanctuary scheme needs the address."
    assert "view_case_contact" in _grants(case, housing)
    assert CaseNote.objects.filter(case=case, text__contains="now sees contact").exists()
    assert AccessEvent.objects.filter(object_id=involvement.pk, action="scope_change").exists()


def test_contact_is_never_granted_to_the_person_causing_harms_side(world, shared_case):
    from apps.cases.services import involvement_add
    from apps.consent.services import dsa_create_active_for_demo

    change = make_agency(name="Change Pathways")
    change.works_with_person_causing_harm = True
    change.save()
    dsa_create_active_for_demo(agency_ids=[world.lead.pk, change.pk], title="DSA CP",
                               user=world.lead_manager.user)
    involvement = involvement_add(actor=actor_of(world.lead_manager), case=shared_case,
                                  agency=change, basis="Perpetrator programme.")
    assert involvement.works_with == "person_causing_harm"
    assert "contact" not in involvement.sections
    before = _grants(shared_case, change)
    with pytest.raises(ServiceError, match="never see the victim's contact"):
        involvement_scope_change(actor=actor_of(world.lead_manager), involvement=involvement,
                                 sections=[*involvement.sections, "contact"],
                                 reason="Asked for it.")
    # Even a stored scope with contact (e.g. edited in the database) grants no contact.
    Involvement.objects.filter(pk=involvement.pk).update(
        sections=["identity", "contact", "risk"])
    case_permissions_sync(case=shared_case)
    assert "view_case_contact" not in _grants(shared_case, change)
    assert "view_case_contact" not in before


@pytest.mark.parametrize("who", ["lead_practitioner", "partner_manager", "outsider_manager"])
def test_only_the_lead_agencys_manager_changes_a_scope(world, shared_case, who):
    involvement = Involvement.objects.get(case=shared_case, agency=world.partner)
    before = list(involvement.sections)
    with pytest.raises(NotPermitted):
        involvement_scope_change(actor=actor_of(getattr(world, who)), involvement=involvement,
                                 sections=["identity"], reason="Narrow.")
    involvement.refresh_from_db()
    assert involvement.sections == before


def test_scope_page_and_api(world, shared_case):
    involvement = Involvement.objects.get(case=shared_case, agency=world.partner)
    url = f"/cases/{shared_case.pk}/involvements/{involvement.pk}/scope/"
    client = client_for(world.lead_manager)
    page = client.get(url)
    assert page.status_code == 200 and 'type="checkbox"' in page.content.decode()
    bad = client.post(url, {"sections": ["identity"], "reason": ""})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()
    ok = client.post(url, {"sections": ["identity", "plan"], "reason": "Only the plan now."})
    assert ok.status_code == 302
    involvement.refresh_from_db()
    assert involvement.sections == ["identity", "plan"]
    assert client_for(world.partner_manager).get(url).status_code == 404
    api = api_client_for(world.lead_manager)
    response = api.post(f"/api/v1/cases/{shared_case.pk}/involvements/{involvement.pk}/scope/",
                        {"sections": ["identity", "risk"], "reason": "Risk only."},
                        format="json")
    assert response.status_code == 200 and response.json()["sections"] == ["identity", "risk"]
    refused = api_client_for(world.partner_manager).post(
        f"/api/v1/cases/{shared_case.pk}/involvements/{involvement.pk}/scope/",
        {"sections": ["identity"], "reason": "x"}, format="json")
    assert refused.status_code == 403
    involvement.refresh_from_db()
    assert involvement.sections == ["identity", "risk"]


def test_marac_form_preselects_no_basis(world):
    from apps.marac.forms import MaracReferralForm

    form = MaracReferralForm(routes=["visible_high_risk"])
    assert not form.fields["lawful_basis"].initial
    assert form.fields["lawful_basis"].choices[0][0] == ""


def test_involvement_not_on_the_agenda_is_not_timed(world, marac_case):
    assert Involvement.objects.filter(ends_at__isnull=False).count() == 0


def test_item_is_not_a_share_of_the_case(world, marac_case):
    """Listing gives each member the MARAC scope: no contact grant on the case."""
    _marac, housing, case, *_ = marac_case
    assert "view_case_contact" not in _grants(case, housing)
    assert "view_case_identity" in _grants(case, housing)
    assert sections_of(actor=actor_of(make_member(agency=housing)), case=case).risk


def test_restricted_case_gives_sections_per_named_user(world):
    """A restricted case: the partner's key worker and managers get the partner's sections
    as user grants; its other practitioners see nothing."""
    from apps.cases.models import CaseUserObjectPermission
    from tests.factories import involve

    case = make_case(lead=world.lead_practitioner, restricted=True)
    involve(case=case, manager=world.lead_manager, agency=world.partner,
            key_worker=world.partner_practitioner.user)
    involvement = Involvement.objects.get(case=case, agency=world.partner)
    involvement_scope_change(actor=actor_of(world.lead_manager), involvement=involvement,
                             sections=["identity", "risk"], reason="Risk only.")
    worker = set(CaseUserObjectPermission.objects.filter(
        content_object=case, user=world.partner_practitioner.user).values_list(
        "permission__codename", flat=True))
    assert worker == {"view_case", "contribute_case", "view_case_identity", "view_case_risk"}
    assert sections_of(actor=actor_of(world.partner_practitioner),
                         case=case).sections == {"identity", "risk"}
    assert sections_of(actor=actor_of(world.partner_manager),
                         case=case).sections == {"identity", "risk"}
    other = make_member(agency=world.partner)
    assert not case_list(actor=actor_of(other)).filter(pk=case.pk).exists()
    assert _grants(case, world.partner) == set()


def test_involve_page_records_whom_the_agency_works_with(world):
    case = make_case(lead=world.lead_practitioner, address_line_1="3 Harbour View")
    response = client_for(world.lead_manager).post(
        f"/cases/{case.pk}/involvements/new/",
        {"agency": world.partner.pk, "basis": "Perpetrator work.",
         "works_with": "person_causing_harm"})
    assert response.status_code == 302
    involvement = case.involvements.get(agency=world.partner)
    assert involvement.works_with == "person_causing_harm"
    assert involvement.sections == ["identity", "people", "risk", "plan"]
    html = client_for(world.partner_practitioner).get(f"/cases/{case.pk}/").content.decode()
    assert "3 Harbour View" not in html


def test_notes_api_is_404_without_chronology_and_writes_nothing(world, marac_case):
    _marac, housing, case, *_ = marac_case
    before = CaseNote.objects.filter(case=case).count()
    api = api_client_for(make_member(agency=housing))
    assert api.get(f"/api/v1/cases/{case.pk}/notes/").status_code == 404
    response = api.post(f"/api/v1/cases/{case.pk}/notes/", {"text": "Hello"}, format="json")
    assert response.status_code == 404
    assert CaseNote.objects.filter(case=case).count() == before
