"""Action due (from the reminder sweep) and MARAC listing write deliveries for the agencies
concerned, with ids only."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from apps.action_plans import services as actions
from apps.action_plans.reminders import action_reminders
from apps.webhooks.models import WebhookDelivery
from tests.factories import actor_of
from tests.marac.helpers import listed, make_marac
from tests.webhooks.conftest import register

pytestmark = pytest.mark.django_db
PUBLIC = "https://93.184.215.14/hooks"


def test_marac_listing_tells_each_member_agency(world, shared_case, partner_admin):
    partner_hook, _ = register(admin=partner_admin, url=PUBLIC, events=["marac.listed"])
    lead_hook, _ = register(admin=world.lead_admin, url=PUBLIC, events=["marac.listed"])
    from apps.agencies.models import Role
    from tests.factories import make_member

    outsider_admin = make_member(agency=world.outsider, role=Role.AGENCY_ADMIN)
    _outsider_hook, _ = register(admin=outsider_admin, url=PUBLIC, events=["marac.listed"])
    marac = make_marac(world)
    _ref, meeting, item = listed(world=world, marac=marac, case=shared_case)
    rows = WebhookDelivery.objects.filter(event="marac.listed")
    assert {r.endpoint_id for r in rows} == {partner_hook.pk, lead_hook.pk}
    assert {r.payload["agency"] for r in rows} == {str(world.lead.pk), str(world.partner.pk)}
    for row in rows:
        assert row.payload["data"] == {"meeting": str(meeting.pk), "agenda_item": str(item.pk)}
    assert shared_case.reference not in json.dumps([r.payload for r in rows])


def test_action_due_tells_the_owner_agency_once(world, shared_case, partner_admin):
    hook, _ = register(admin=partner_admin, url=PUBLIC, events=["action.due"])
    register(admin=world.lead_admin, url=PUBLIC, events=["action.due"])
    today = timezone.localdate()
    action = actions.action_add(actor=actor_of(world.lead_practitioner), case=shared_case,
                                description="Visit.", owner_agency=world.partner,
                                due_date=today + datetime.timedelta(days=2))
    action_reminders(today=today)  # "due soon": no webhook
    assert not WebhookDelivery.objects.exists()
    due_day = today + datetime.timedelta(days=2)
    assert action_reminders(today=due_day)["due"] == 1
    assert action_reminders(today=due_day)["due"] == 0  # claimed once
    [row] = WebhookDelivery.objects.all()
    assert row.endpoint_id == hook.pk and row.event == "action.due"
    assert row.payload["data"] == {"action": str(action.pk)}
