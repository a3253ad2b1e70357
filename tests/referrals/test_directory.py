"""The services directory: admins maintain their own agency's entries; everyone searches."""

from __future__ import annotations

import pytest

from apps.agencies.service_selectors import service_list, service_list_for_admin
from apps.agencies.service_services import service_create, service_update
from apps.core.exceptions import NotPermitted, ServiceError
from tests.factories import actor_of, make_member

pytestmark = pytest.mark.django_db


def test_agency_admin_maintains_own_services(world):
    admin = actor_of(world.lead_admin)
    service = service_create(actor=admin, data={
        "name": "Domestic abuse unit", "needs": ["domestic_abuse"], "area": "Northbridge",
        "response_target_hours": 4})
    assert service.agency == world.lead
    service_update(actor=admin, service=service, data={"accepting_referrals": False})
    service.refresh_from_db()
    assert not service.accepting_referrals
    assert list(service_list_for_admin(actor=admin)) == [service]
    assert not service_list(actor=actor_of(world.partner_practitioner),
                            accepting_only=True).filter(pk=service.pk).exists()


def test_others_cannot_change_services(world):
    service = service_create(actor=actor_of(world.lead_admin), data={"name": "Unit"})
    with pytest.raises(NotPermitted):
        service_create(actor=actor_of(world.lead_manager), data={"name": "Other"})
    other_admin = actor_of(make_member(agency=world.partner, role="agency_admin"))
    with pytest.raises(NotPermitted):
        service_update(actor=other_admin, service=service, data={"name": "Mine now"})
    assert list(service_list_for_admin(actor=actor_of(world.lead_manager))) == []


@pytest.mark.parametrize(("data", "field"), [
    ({"name": " "}, "name"), ({"name": "x", "needs": ["magic"]}, "needs"),
    ({"name": "x", "response_target_hours": 0}, "response_target_hours")])
def test_invalid_service_is_refused(world, data, field):
    with pytest.raises(ServiceError) as err:
        service_create(actor=actor_of(world.lead_admin), data=data)
    assert err.value.field == field


def test_duplicate_name_is_a_field_error(world):
    service_create(actor=actor_of(world.lead_admin), data={"name": "Unit"})
    with pytest.raises(ServiceError) as err:
        service_create(actor=actor_of(world.lead_admin), data={"name": "Unit"})
    assert err.value.field == "name"
