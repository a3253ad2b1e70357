"""The demo as a new user tries it (issue 13): idva.clarke sees what she has to do today and
the count in the navigation; sgt.khan sees his team's caseload and the escalations."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from apps.agencies.models import Membership
from apps.core.demo import loader
from tests.core.test_demo import actor

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=loader.demo_password())
    return client


def test_demo_tray_and_caseload():
    call_command("load_demo", stdout=StringIO())
    from apps.work.caseload import escalations
    from apps.work.selectors import tray

    work = tray(actor=actor("idva.clarke"))
    today = [item.kind for item in work.buckets.get("today", [])]
    assert "action" in today and "referral" in today, work.buckets
    html = _client("idva.clarke").get("/").content.decode()
    assert "Referrals 1" in html
    assert Membership.objects.get(user__username="idva.clarke",
                                  agency__name="Safe Haven").team.name == "IDVA team"
    found = escalations(actor=actor("sgt.khan"))
    assert found.referrals and found.actions
    page = _client("sgt.khan").get("/caseload/")
    assert page.status_code == 200
    assert "Domestic abuse safeguarding team" in page.content.decode()
