"""Issue 11 item 5: staff added, role changed and membership ended write an audit row, like
every other change (who, for which agency, what, when)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.agencies.models import Membership, Role
from apps.audit.models import AccessEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def rows(membership: Membership, action: str) -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(object_type="membership", object_id=membership.pk,
                                           action=action))


def test_staff_added_is_audited(world):
    response = client_for(world.lead_admin).post(reverse("agencies:member-add"), {
        "username": "pc.new", "first_name": "Pat", "last_name": "New",
        "role": Role.MANAGER})
    assert response.status_code == 200
    membership = Membership.objects.get(user__username="pc.new")
    [row] = rows(membership, "create")
    assert (row.user_id, row.agency_id, row.channel) == (world.lead_admin.user_id,
                                                         world.lead.pk, "ui")
    assert row.basis == "role: manager"


def test_role_changed_is_audited(world):
    url = reverse("agencies:member-role", args=[world.lead_practitioner.pk])
    assert client_for(world.lead_admin).post(url, {"role": Role.MANAGER}).status_code == 302
    [row] = rows(world.lead_practitioner, "change_role")
    assert (row.user_id, row.agency_id) == (world.lead_admin.user_id, world.lead.pk)
    assert row.basis == "role: practitioner to manager"


def test_refused_role_change_writes_nothing(world):
    url = reverse("agencies:member-role", args=[world.partner_practitioner.pk])
    assert client_for(world.lead_admin).post(url, {"role": Role.MANAGER}).status_code == 404
    assert rows(world.partner_practitioner, "change_role") == []


def test_membership_ended_is_audited(world):
    url = reverse("agencies:member-end", args=[world.lead_practitioner.pk])
    assert client_for(world.lead_admin).post(url).status_code == 302
    [row] = rows(world.lead_practitioner, "end")
    assert (row.user_id, row.agency_id) == (world.lead_admin.user_id, world.lead.pk)


def test_system_additions_are_audited_as_the_system(world):
    [row] = rows(world.partner_practitioner, "create")
    assert (row.user_id, row.channel) == (None, "system")
