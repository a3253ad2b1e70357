from __future__ import annotations

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_redis_ok_without_auth_or_data():
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_shows_no_session_or_user_data(world):
    response = Client().get("/healthz")

    body = response.content.decode()
    assert world.lead.name not in body
    assert world.lead_practitioner.user.username not in body
    assert "sessionid" not in response.cookies


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_healthz_is_503_when_redis_is_unreachable():
    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["redis"] == "error"
    assert response.json()["database"] == "ok"


def test_healthz_only_answers_get():
    assert Client().post("/healthz").status_code == 405
