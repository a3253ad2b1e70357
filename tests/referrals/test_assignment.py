"""Key worker on accept, pick up and assign (issue 13): UI and API; assignment never gives a
case to an agency that may not see it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.agencies.models import Role
from apps.agencies.team_services import service_set_team, team_create, team_member_set
from apps.audit.models import AccessEvent
from apps.cases.models import Involvement
from apps.cases.services import case_assign
from apps.core.exceptions import NotPermitted, ServiceError
from apps.referrals import services
from apps.referrals.models import Referral
from tests.conftest import api_client_for, client_for
from tests.factories import actor_of, make_member
from tests.referrals.helpers import make_referral, make_service

pytestmark = pytest.mark.django_db


def _involvement(referral: Referral) -> Involvement:
    return Involvement.objects.get(case=referral.case, agency=referral.to_agency,
                                   ended_at__isnull=True)


def test_accepting_makes_the_acceptor_key_worker(world):
    referral = make_referral(world=world)
    services.referral_accept(actor=actor_of(world.partner_practitioner), referral=referral)
    assert _involvement(referral).key_worker_id == world.partner_practitioner.user_id


def test_accept_form_names_another_key_worker_in_the_same_step(world):
    referral = make_referral(world=world)
    colleague = make_member(agency=world.partner)
    client = client_for(world.partner_practitioner)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert 'name="key_worker"' in page
    response = client.post(reverse("referrals:accept", args=[referral.pk]),
                           {"key_worker": colleague.user_id})
    assert response.status_code == 302
    assert _involvement(referral).key_worker_id == colleague.user_id


def test_accept_refuses_a_key_worker_of_another_agency_and_changes_nothing(world):
    referral = make_referral(world=world)
    response = client_for(world.partner_practitioner).post(
        reverse("referrals:accept", args=[referral.pk]),
        {"key_worker": world.lead_practitioner.user_id})
    assert response.status_code == 400
    assert "Choose a key worker from your agency." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "submitted"
    api = api_client_for(world.partner_practitioner)
    response = api.post(f"/api/v1/referrals/{referral.pk}/accept/",
                        {"key_worker": world.lead_practitioner.user_id}, format="json")
    assert response.status_code == 400
    assert "key_worker" in response.json()
    response = api.post(f"/api/v1/referrals/{referral.pk}/accept/", {"key_worker": "x"},
                        format="json")
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == "submitted"
    colleague = make_member(agency=world.partner)
    response = api.post(f"/api/v1/referrals/{referral.pk}/accept/",
                        {"key_worker": colleague.user_id}, format="json")
    assert response.status_code == 200
    assert _involvement(referral).key_worker_id == colleague.user_id


def test_a_team_member_picks_up_and_a_manager_assigns(world):
    admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    team = team_create(actor=actor_of(admin), name="IDVA team")
    team_member_set(actor=actor_of(admin), membership=world.partner_practitioner, team=team)
    service = make_service(agency=world.partner)
    service_set_team(actor=actor_of(admin), service=service, team=team)
    referral = make_referral(world=world, service=service)
    client = client_for(world.partner_practitioner)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert 'data-testid="pick-up"' in page and 'data-testid="assign"' not in page
    assert client.post(reverse("referrals:assign", args=[referral.pk])).status_code == 302
    referral.refresh_from_db()
    assert referral.assigned_to_id == world.partner_practitioner.user_id
    # Someone outside the team may not pick it up.
    outsider = make_member(agency=world.partner)
    with pytest.raises(NotPermitted):
        services.referral_assign(actor=actor_of(outsider), referral=referral,
                                 user=outsider.user)
    # The manager assigns it to anyone of the agency, over the API.
    colleague = make_member(agency=world.partner)
    response = api_client_for(world.partner_manager).post(
        f"/api/v1/referrals/{referral.pk}/assign/", {"user": colleague.user_id}, format="json")
    assert response.status_code == 200
    assert response.json()["assigned_to"] == (colleague.user.get_full_name()
                                              or colleague.user.username)
    assert AccessEvent.objects.filter(object_id=referral.pk, action="assign").exists()


def test_a_practitioner_cannot_assign_to_someone_else(world):
    referral = make_referral(world=world)
    colleague = make_member(agency=world.partner)
    response = api_client_for(world.partner_practitioner).post(
        f"/api/v1/referrals/{referral.pk}/assign/", {"user": colleague.user_id}, format="json")
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.assigned_to_id is None


def test_assign_refuses_members_of_other_agencies_and_outsiders_get_404(world):
    referral = make_referral(world=world)
    api = api_client_for(world.partner_manager)
    response = api.post(f"/api/v1/referrals/{referral.pk}/assign/",
                        {"user": world.outsider_practitioner.user_id}, format="json")
    assert response.status_code == 400
    response = api_client_for(world.outsider_manager).post(
        f"/api/v1/referrals/{referral.pk}/assign/",
        {"user": world.outsider_practitioner.user_id}, format="json")
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.assigned_to_id is None


def test_case_assign_and_pick_up(world, shared_case):
    colleague = make_member(agency=world.partner)
    api = api_client_for(world.partner_manager)
    response = api.post(f"/api/v1/cases/{shared_case.pk}/assign/",
                        {"user": colleague.user_id}, format="json")
    assert response.status_code == 200
    involvement = Involvement.objects.get(case=shared_case, agency=world.partner)
    assert involvement.key_worker_id == colleague.user_id
    # A practitioner picks it up in the UI.
    client = client_for(world.partner_practitioner)
    page = client.get(reverse("cases:detail", args=[shared_case.pk])).content.decode()
    assert 'data-testid="case-pick-up"' in page
    assert client.post(reverse("cases:pick-up", args=[shared_case.pk])).status_code == 302
    involvement.refresh_from_db()
    assert involvement.key_worker_id == world.partner_practitioner.user_id
    # A practitioner cannot assign someone else; outsiders get 404.
    response = api_client_for(world.partner_practitioner).post(
        f"/api/v1/cases/{shared_case.pk}/assign/", {"user": colleague.user_id}, format="json")
    assert response.status_code == 403
    response = api_client_for(world.outsider_manager).post(
        f"/api/v1/cases/{shared_case.pk}/assign/",
        {"user": world.outsider_practitioner.user_id}, format="json")
    assert response.status_code == 404
    assert client_for(world.outsider_manager).post(
        reverse("cases:pick-up", args=[shared_case.pk])).status_code == 404
    involvement.refresh_from_db()
    assert involvement.key_worker_id == world.partner_practitioner.user_id


def test_assignment_never_gives_a_case_the_agency_may_no_longer_see(world, shared_case):
    involvement = Involvement.objects.get(case=shared_case, agency=world.partner)
    # A timed involvement (MARAC) that has run out: the agency no longer sees the case.
    Involvement.objects.filter(pk=involvement.pk).update(
        ends_at=timezone.now() - datetime.timedelta(minutes=1))
    colleague = make_member(agency=world.partner)
    with pytest.raises(ServiceError, match="can no longer see case"):
        case_assign(actor=actor_of(world.partner_manager), case=shared_case,
                    user=colleague.user)
    # A member of an agency not involved at all: refused too, by the lead's manager.
    with pytest.raises(ServiceError, match="not a member"):
        case_assign(actor=actor_of(world.lead_manager), case=shared_case,
                    user=world.outsider_practitioner.user)
    involvement.refresh_from_db()
    assert involvement.key_worker_id is None
