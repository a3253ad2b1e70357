"""Shared fixtures: a lead agency, a partner agency and an outsider, each with staff.

Modelled on healthchecks' owner / team member / outsider: every permission test has someone
who must be refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from apps.agencies.models import Agency, AgencyKind, Membership, Role
from tests.factories import PASSWORD, involve, make_agency, make_case, make_member


@dataclass
class World:
    lead: Agency
    partner: Agency
    outsider: Agency
    lead_practitioner: Membership
    lead_manager: Membership
    lead_admin: Membership
    partner_practitioner: Membership
    partner_manager: Membership
    outsider_practitioner: Membership
    outsider_manager: Membership


@pytest.fixture
def world(db) -> World:
    lead = make_agency(name="Northbridge Police")
    partner = make_agency(name="Safe Haven", kind=AgencyKind.VOLUNTARY)
    outsider = make_agency(name="Hearth Homes", kind=AgencyKind.PRIVATE)
    world = World(
        lead=lead, partner=partner, outsider=outsider,
        lead_practitioner=make_member(agency=lead),
        lead_manager=make_member(agency=lead, role=Role.MANAGER),
        lead_admin=make_member(agency=lead, role=Role.AGENCY_ADMIN),
        partner_practitioner=make_member(agency=partner),
        partner_manager=make_member(agency=partner, role=Role.MANAGER),
        outsider_practitioner=make_member(agency=outsider),
        outsider_manager=make_member(agency=outsider, role=Role.MANAGER),
    )
    # The three agencies share under an active data-sharing agreement (a DSA allows sharing;
    # it never gives access by itself: the outsider still sees nothing until involved).
    from apps.consent.services import dsa_create_active_for_demo

    dsa_create_active_for_demo(agency_ids=[lead.pk, partner.pk, outsider.pk],
                               title="Northbridge DSA", user=world.lead_admin.user)
    return world


@pytest.fixture
def shared_case(world: World):
    """A case led by ``world.lead`` with ``world.partner`` involved as a partner."""
    case = make_case(lead=world.lead_practitioner)
    involve(case=case, manager=world.lead_manager, agency=world.partner)
    return case


def client_for(membership: Membership) -> Client:
    """A browser-session client signed in as the membership's user, acting for its agency."""
    from apps.agencies.middleware import SESSION_KEY

    client = Client()
    assert client.login(username=membership.user.username, password=PASSWORD)
    session = client.session
    session[SESSION_KEY] = str(membership.pk)
    session.save()
    return client


def api_client_for(membership: Membership):
    """A DRF test client that sends ``Authorization: Token <key>`` for a new token of
    ``membership`` (so it acts for that membership's agency, channel "api")."""
    from rest_framework.test import APIClient

    from apps.accounts.services import api_token_create

    _token, key = api_token_create(membership=membership, name="Test integration")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def private_redis():
    """A throwaway redis-server as the Celery broker, for tests that run a real worker and
    may stop the broker (the shared embedded Redis is never touched)."""
    from config.embedded import PrivateRedis
    from tests.notifications.broker import broker_at

    server = PrivateRedis()
    server.start()
    try:
        with broker_at(server.url):
            yield server
    finally:
        server.close()
