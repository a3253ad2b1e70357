"""The nightly refresh runs through a real Redis broker and a real Celery worker, as beat sends
it (the beat entry names the task)."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from apps.insight.models import ReferralMonth, SummaryRefresh
from apps.insight.tasks import summary_refresh
from config.celery import app
from tests.insight.helpers import add_referrals

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_beat_schedules_the_refresh_nightly():
    entry = settings.CELERY_BEAT_SCHEDULE["insight-summary-refresh"]
    assert entry["task"] == summary_refresh.name
    assert entry["schedule"].hour == {2}


def test_the_worker_refreshes_the_summary_through_the_broker(world, private_redis):
    add_referrals(sender=world.lead_practitioner, receiver=world.partner, count=6)
    SummaryRefresh.objects.all().delete()
    ReferralMonth.objects.all().delete()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        summary_refresh.delay()
        deadline = time.monotonic() + 30
        while not SummaryRefresh.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    assert SummaryRefresh.objects.count() == 1
    assert sum(ReferralMonth.objects.values_list("referrals", flat=True)) == 6
