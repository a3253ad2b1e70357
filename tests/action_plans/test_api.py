"""The actions API refuses an unknown owner instead of dropping it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from apps.action_plans.models import Action
from tests.conftest import api_client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MESSAGE = "The owner must be a member of the owner agency."


def _post(client, case, agency, **extra):
    return client.post("/api/v1/actions/", {
        "case": str(case.pk), "description": "Check in weekly.", "owner_agency": str(agency.pk),
        "due_date": str(timezone.localdate() + datetime.timedelta(days=7)), **extra},
        format="json")


def test_an_unknown_owner_user_is_a_400_with_a_field_error(world, shared_case):
    client = api_client_for(world.partner_practitioner)
    response = _post(client, shared_case, world.partner, owner_user=987654)
    assert response.status_code == 400
    assert response.json() == {"owner_user": [MESSAGE]}
    assert not Action.objects.exists()


def test_a_user_outside_the_owner_agency_answers_the_same_as_an_unknown_one(world,
                                                                             shared_case):
    client = api_client_for(world.partner_practitioner)
    stranger = UserFactory()
    outside = _post(client, shared_case, world.partner, owner_user=stranger.pk)
    other_agency = _post(client, shared_case, world.partner,
                         owner_user=world.outsider_practitioner.user_id)
    unknown = _post(client, shared_case, world.partner, owner_user=stranger.pk + 1000)
    assert outside.status_code == other_agency.status_code == unknown.status_code == 400
    assert outside.json() == other_agency.json() == unknown.json() == {"owner_user": [MESSAGE]}
    assert not Action.objects.exists()


def test_a_member_of_the_owner_agency_or_no_owner_is_accepted(world, shared_case):
    client = api_client_for(world.partner_practitioner)
    named = _post(client, shared_case, world.partner,
                  owner_user=world.partner_manager.user_id)
    assert named.status_code == 201, named.content
    assert named.json()["owner_user"] is not None
    assert _post(client, shared_case, world.partner, owner_user=None).status_code == 201
    assert Action.objects.count() == 2
