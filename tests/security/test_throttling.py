"""API throttling (issue 11 item 17): per token, per user and per address, answering 429
with Retry-After. The test settings switch the limits off; these tests set low ones."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient

from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"


def rates(*, token: str | None = None, user: str | None = None, anon: str | None = None):
    return override_settings(REST_FRAMEWORK={
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": token, "user": user, "anon": anon}})


def test_rates_come_from_the_environment_with_safe_defaults():
    from config.settings import base

    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"] == base.env(
        "WRAPAROUND_API_RATE_USER", "1200/min")
    assert {"token", "user", "anon"} <= set(base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
    assert base.CACHES["default"]["BACKEND"].endswith("RedisCache")


def test_a_token_over_its_rate_gets_429_with_retry_after_and_another_token_does_not(world):
    first = api_client_for(world.lead_practitioner)
    second = api_client_for(world.lead_practitioner)
    with rates(token="3/min"):
        assert [first.get(CASES).status_code for _ in range(3)] == [200, 200, 200]
        refused = first.get(CASES)
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 0
        assert "throttled" in refused.json()["detail"].lower()
        assert second.get(CASES).status_code == 200


def test_a_user_over_their_rate_gets_429_whatever_token_they_use(world):
    first = api_client_for(world.partner_practitioner)
    second = api_client_for(world.partner_practitioner)
    other_user = api_client_for(world.partner_manager)
    with rates(user="2/min"):
        assert first.get(CASES).status_code == 200
        assert second.get(CASES).status_code == 200
        assert first.get(CASES).status_code == 429
        assert second.get(CASES).status_code == 429
        assert other_user.get(CASES).status_code == 200


def test_anonymous_calls_are_limited_per_address(db):
    client = APIClient(REMOTE_ADDR="192.0.2.77")
    with rates(anon="2/min"):
        statuses = [client.get("/api/schema/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_an_unreachable_cache_lets_calls_through(world):
    client = api_client_for(world.lead_practitioner)
    unreachable = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                               "LOCATION": "unix:///nonexistent/redis.sock"}}
    with rates(token="1/min"), override_settings(CACHES=unreachable):
        assert [client.get(CASES).status_code for _ in range(2)] == [200, 200]
