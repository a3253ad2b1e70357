from __future__ import annotations

import pytest

from apps.webhooks.events import Event
from apps.webhooks.services import endpoint_create
from tests.factories import actor_of, make_member
from tests.webhooks.receiver import receiver as _receiver


@pytest.fixture
def local_hooks(settings):
    """Let webhooks go to the test's own server on 127.0.0.1 over http."""
    settings.WEBHOOK_ALLOW_HTTP_HOSTS = ["127.0.0.1"]
    return settings


@pytest.fixture
def receiver(local_hooks):
    with _receiver() as rec:
        yield rec


@pytest.fixture
def partner_admin(world):
    from apps.agencies.models import Role

    return make_member(agency=world.partner, role=Role.AGENCY_ADMIN)


def register(*, admin, url: str, events=None):
    """An endpoint of ``admin``'s agency; returns (endpoint, secret)."""
    return endpoint_create(actor=actor_of(admin), url=url,
                           events=events or list(Event.values), description="Case system")
