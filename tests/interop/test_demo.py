"""The demo publishes its services in the ORUK directory and leaves an import to review."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from apps.agencies.models import Service
from apps.interop.models import StagedService
from tests.interop.oruk_schema import errors_for_path

pytestmark = pytest.mark.django_db


def test_demo_services_are_published_and_an_import_waits(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    cache.clear()
    assert not Service.objects.filter(active=True, published=False).exists()
    body = Client().get("/oruk/services?per_page=200").json()
    assert errors_for_path("/services", body) == []
    assert body["total_items"] == Service.objects.filter(active=True).count() >= 10
    refuge = next(s for s in body["contents"] if s["name"] == "Refuge")
    assert refuge["alert"].startswith("Not accepting new referrals. Typical wait: 21 days.")
    assert StagedService.objects.filter(agency__name="Safe Haven", state="pending").count() == 2
