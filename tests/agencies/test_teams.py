"""Teams (issue 13): an agency admin creates teams, puts members in them and hands services to
them; a referral to a service is told to its team, not the whole agency."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.agencies.models import Membership, Role, Team
from apps.agencies.team_services import service_set_team, team_create, team_member_set
from apps.audit.models import AccessEvent
from apps.core.exceptions import NotPermitted, ServiceError
from apps.notifications.models import Notification
from tests.conftest import api_client_for, client_for
from tests.factories import actor_of, make_member
from tests.referrals.helpers import make_referral, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_admin(world):
    return make_member(agency=world.partner, role=Role.AGENCY_ADMIN)


def test_admin_creates_a_team_adds_and_removes_members_and_hands_it_a_service(world,
                                                                             partner_admin):
    client = client_for(partner_admin)
    response = client.post(reverse("agencies:teams"), {"name": "IDVA team"})
    team = Team.objects.get(agency=world.partner, name="IDVA team")
    assert response.status_code == 302
    assert response["Location"] == reverse("agencies:team-detail", args=[team.pk])
    url = reverse("agencies:team-detail", args=[team.pk])
    assert client.post(url, {"op": "add", "membership": world.partner_practitioner.pk}
                       ).status_code == 302
    world.partner_practitioner.refresh_from_db()
    assert world.partner_practitioner.team_id == team.pk
    service = make_service(agency=world.partner)
    assert client.post(url, {"op": "service", "service": service.pk}).status_code == 302
    service.refresh_from_db()
    assert service.handling_team_id == team.pk
    page = client.get(url).content.decode()
    assert world.partner_practitioner.user.username in page and service.name in page
    assert client.post(url, {"op": "remove", "membership": world.partner_practitioner.pk}
                       ).status_code == 302
    world.partner_practitioner.refresh_from_db()
    assert world.partner_practitioner.team_id is None
    assert AccessEvent.objects.filter(object_type="membership", action="change_team").count() == 2


def test_team_form_errors_are_listed_and_nothing_changes(world, partner_admin):
    client = client_for(partner_admin)
    team_create(actor=actor_of(partner_admin), name="IDVA team")
    response = client.post(reverse("agencies:teams"), {"name": "IDVA team"})
    assert response.status_code == 400
    assert "already has a team with that name" in response.content.decode()
    team = Team.objects.get()
    url = reverse("agencies:team-detail", args=[team.pk])
    # Someone of another agency cannot be added (not in the list): 400, nothing changed.
    response = client.post(url, {"op": "add", "membership": world.lead_practitioner.pk})
    assert response.status_code == 400
    assert "Choose a member from the list." in response.content.decode()
    assert not Membership.objects.filter(team=team).exists()


def test_teams_pages_are_for_the_agencys_admins_only(world, partner_admin):
    team = team_create(actor=actor_of(partner_admin), name="IDVA team")
    url = reverse("agencies:team-detail", args=[team.pk])
    for member in (world.partner_practitioner, world.partner_manager):
        assert client_for(member).get(reverse("agencies:teams")).status_code == 404
        assert client_for(member).get(url).status_code == 404
    # Another agency's admin: the team does not exist for them.
    assert client_for(world.lead_admin).get(url).status_code == 404
    response = client_for(world.lead_admin).post(
        url, {"op": "add", "membership": world.lead_practitioner.pk})
    assert response.status_code == 404
    assert not Membership.objects.filter(team=team).exists()


def test_services_refuse_other_agencies_and_non_admins(world, partner_admin):
    team = team_create(actor=actor_of(partner_admin), name="IDVA team")
    with pytest.raises(NotPermitted):
        team_create(actor=actor_of(world.partner_manager), name="Other")
    with pytest.raises(NotPermitted):
        team_member_set(actor=actor_of(partner_admin), membership=world.lead_practitioner,
                        team=team)
    with pytest.raises(NotPermitted):
        service_set_team(actor=actor_of(world.lead_admin),
                         service=make_service(agency=world.partner), team=team)
    with pytest.raises(ServiceError):
        team_create(actor=actor_of(partner_admin), name="  ")
    assert Team.objects.count() == 1


def test_teams_api_lists_own_agency_teams_with_members_and_services(world, partner_admin):
    team = team_create(actor=actor_of(partner_admin), name="IDVA team")
    team_member_set(actor=actor_of(partner_admin), membership=world.partner_practitioner,
                    team=team)
    service_set_team(actor=actor_of(partner_admin), service=make_service(agency=world.partner),
                     team=team)
    other = team_create(actor=actor_of(world.lead_admin), name="Response team")
    client = api_client_for(world.partner_practitioner)
    body = client.get("/api/v1/teams/").json()
    assert [t["name"] for t in body["results"]] == ["IDVA team"]
    row = body["results"][0]
    assert row["member_count"] == 1
    assert [m["username"] for m in row["members"]] == [world.partner_practitioner.user.username]
    assert [s["name"] for s in row["services"]] == ["IDVA service"]
    assert client.get(f"/api/v1/teams/{team.pk}/").status_code == 200
    assert client.get(f"/api/v1/teams/{other.pk}/").status_code == 404


def test_teams_api_query_count_is_fixed(world, partner_admin):
    actor = actor_of(partner_admin)
    client = api_client_for(world.partner_practitioner)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/teams/").status_code == 200
        return len(ctx.captured_queries)

    team_create(actor=actor, name="A")
    count()  # the first request also stamps the token's last use
    small = count()
    for name in "BCDE":
        team = team_create(actor=actor, name=name)
        for _ in range(3):
            team_member_set(actor=actor, membership=make_member(agency=world.partner), team=team)
        service_set_team(actor=actor, service=make_service(agency=world.partner, name=name),
                         team=team)
    assert count() == small


def test_a_submitted_referral_tells_the_services_team_only(world, partner_admin):
    """Team routing: tens of rows, not one per member of the receiving agency."""
    team = team_create(actor=actor_of(partner_admin), name="IDVA team")
    team_members = [make_member(agency=world.partner) for _ in range(3)]
    for member in team_members:
        team_member_set(actor=actor_of(partner_admin), membership=member, team=team)
    for _ in range(30):  # the rest of a big agency hears nothing
        make_member(agency=world.partner)
    service = make_service(agency=world.partner)
    service_set_team(actor=actor_of(partner_admin), service=service, team=team)
    make_referral(world=world, service=service)
    rows = Notification.objects.filter(kind="referral_submitted")
    assert rows.count() == 3
    assert set(rows.values_list("recipient_id", flat=True)) == {m.user_id for m in team_members}


def test_without_a_team_the_managers_and_admins_are_told(world, partner_admin):
    for _ in range(30):
        make_member(agency=world.partner)
    make_referral(world=world, service=make_service(agency=world.partner))
    rows = Notification.objects.filter(kind="referral_submitted")
    assert set(rows.values_list("recipient_id", flat=True)) == {
        world.partner_manager.user_id, partner_admin.user_id}
