"""Endpoints (validation, SSRF), and the outbox rows the domain services write."""

from __future__ import annotations

import json

import pytest

from apps.audit.models import AccessEvent
from apps.core.exceptions import NotPermitted, ServiceError
from apps.referrals.services import referral_accept, referral_complete, referral_decline
from apps.webhooks import services
from apps.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.factories import actor_of
from tests.referrals.helpers import make_referral
from tests.webhooks.conftest import register

pytestmark = pytest.mark.django_db
PUBLIC = "https://93.184.215.14/hooks"  # a public address, no DNS needed


@pytest.mark.parametrize(("url", "message"), [
    ("http://93.184.215.14/hooks", "must start with https://"),
    ("ftp://93.184.215.14/x", "full web address"),
    ("not a url", "full web address"),
    ("https://127.0.0.1/hooks", "public internet"),
    ("https://10.1.2.3/hooks", "public internet"),
    ("https://169.254.169.254/latest/meta-data", "public internet"),
    ("https://[::1]/hooks", "public internet"),
    ("https://192.168.0.10/hooks", "public internet"),
    ("https://localhost/hooks", "public internet"),
    ("https://user:pw@93.184.215.14/hooks", "user name or password"),
])
def test_refused_addresses(world, partner_admin, url, message):
    with pytest.raises(ServiceError, match=message) as refused:
        register(admin=partner_admin, url=url)
    assert refused.value.field == "url"
    assert not WebhookEndpoint.objects.exists()


def test_allowed_host_may_use_http_and_loopback(world, partner_admin, local_hooks):
    endpoint, secret = register(admin=partner_admin, url="http://127.0.0.1:9/hooks")
    assert endpoint.url == "http://127.0.0.1:9/hooks" and endpoint.secret == secret
    with pytest.raises(ServiceError, match="public internet"):
        register(admin=partner_admin, url="https://10.0.0.1/hooks")  # not listed


def test_unknown_and_missing_events(world, partner_admin):
    with pytest.raises(ServiceError, match="Unknown event") as refused:
        register(admin=partner_admin, url=PUBLIC, events=["referral.received", "case.eaten"])
    assert refused.value.field == "events"
    with pytest.raises(ServiceError, match="at least one"):
        services.endpoint_create(actor=actor_of(partner_admin), url=PUBLIC, events=[])


def test_only_agency_admins_manage_and_each_change_is_audited(world, partner_admin):
    with pytest.raises(NotPermitted):
        register(admin=world.partner_manager, url=PUBLIC)
    endpoint, secret = register(admin=partner_admin, url=PUBLIC)
    _, rotated = services.endpoint_rotate_secret(actor=actor_of(partner_admin),
                                                 endpoint=endpoint)
    assert rotated != secret
    endpoint.refresh_from_db()
    assert endpoint.secret == rotated and endpoint.secret_rotated_at
    from apps.agencies.models import Role
    from tests.factories import make_member

    other_admin = make_member(agency=world.lead, role=Role.AGENCY_ADMIN)
    with pytest.raises(NotPermitted):
        services.endpoint_update(actor=actor_of(other_admin), endpoint=endpoint, active=False)
    endpoint.refresh_from_db()
    assert endpoint.active
    actions = list(AccessEvent.objects.filter(object_id=endpoint.pk).values_list("action",
                                                                                 flat=True))
    assert sorted(actions) == ["create", "rotate_secret"]


def _payloads(endpoint):
    return [d.payload for d in WebhookDelivery.objects.filter(endpoint=endpoint)
            .order_by("created_at")]


def test_referral_lifecycle_writes_deliveries_with_ids_only(world, partner_admin):
    lead_admin = world.lead_admin
    received, _ = register(admin=partner_admin, url=PUBLIC, events=["referral.received"])
    referrer, _ = register(admin=lead_admin, url=PUBLIC,
                           events=["referral.decided", "referral.completed"])
    ignored, _ = register(admin=partner_admin, url=PUBLIC, events=["action.due"])
    off, _ = register(admin=partner_admin, url=PUBLIC, events=["referral.received"])
    services.endpoint_update(actor=actor_of(partner_admin), endpoint=off, active=False)

    referral = make_referral(world=world)
    partner = actor_of(world.partner_manager)
    referral_accept(actor=partner, referral=referral)
    referral_complete(actor=partner, referral=referral, outcome="Safety plan agreed.")

    [payload] = _payloads(received)
    assert payload["event"] == "referral.received"
    assert payload["data"] == {"referral": str(referral.pk)}
    assert payload["agency"] == str(world.partner.pk)
    assert [p["event"] for p in _payloads(referrer)] == ["referral.decided",
                                                          "referral.completed"]
    assert _payloads(referrer)[0]["data"] == {"referral": str(referral.pk),
                                              "decision": "accepted"}
    assert _payloads(ignored) == [] and _payloads(off) == []
    rows = WebhookDelivery.objects.all()
    assert {r.status for r in rows} == {DeliveryStatus.PENDING}
    assert all(r.next_attempt_at for r in rows)
    # No personal data: nothing of the person, the case's text or the referral's text.
    person = referral.case.subject
    text = json.dumps([r.payload for r in rows])
    for secret_fact in (person.given_name, person.family_name, referral.case.reference,
                        referral.reason, referral.shared_information, "Safety plan"):
        assert secret_fact and secret_fact not in text
    for payload in (r.payload for r in rows):
        assert set(payload) == {"id", "event", "created_at", "agency", "data"}


def test_decline_is_a_decision_and_a_rolled_back_event_leaves_no_delivery(world,
                                                                          partner_admin):
    register(admin=world.lead_admin, url=PUBLIC, events=["referral.decided"])
    referral = make_referral(world=world)
    with pytest.raises(ServiceError):  # no reason: refused, so nothing is emitted
        referral_decline(actor=actor_of(world.partner_manager), referral=referral,
                         category="not_eligible", reason="")
    assert not WebhookDelivery.objects.exists()
    from apps.referrals.models import DeclineCategory

    referral_decline(actor=actor_of(world.partner_manager), referral=referral,
                     category=DeclineCategory.values[0], reason="Outside our area.")
    [row] = WebhookDelivery.objects.all()
    assert row.payload["data"]["decision"] == "declined"


def test_one_event_has_one_id_for_every_endpoint(world, partner_admin):
    _first, _ = register(admin=partner_admin, url=PUBLIC, events=["referral.received"])
    _second, _ = register(admin=partner_admin, url=PUBLIC, events=["referral.received"])
    make_referral(world=world)
    ids = {d.event_id for d in WebhookDelivery.objects.all()}
    assert WebhookDelivery.objects.count() == 2 and len(ids) == 1
