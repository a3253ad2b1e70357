"""Unallocated referrals over time, by team (issue 13): per month, the referrals received and
those nobody picked up, was assigned or decided within ALLOCATION_DAYS; page and CSV, a fixed
number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.referrals.models import Referral
from apps.work.workforce import MONTHS, workforce
from tests.conftest import client_for
from tests.factories import actor_of, make_case
from tests.referrals.helpers import make_referral, make_service
from tests.work.helpers import idva_team

pytestmark = pytest.mark.django_db


def _received(world, service, at, *, assigned_after=None, decided_after=None):
    referral = make_referral(world=world, service=service,
                             case=make_case(lead=world.lead_practitioner))
    Referral.objects.filter(pk=referral.pk).update(
        first_submitted_at=at,
        assigned_at=at + assigned_after if assigned_after is not None else None,
        decided_at=at + decided_after if decided_after is not None else None)
    return referral


def _month_start(back: int) -> datetime.datetime:
    today = timezone.localdate()
    year, month = today.year, today.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return timezone.make_aware(datetime.datetime(year, month, 3, 10))


def test_unallocated_referrals_per_month_and_team(world):
    _team, service, _admin = idva_team(world)
    unteamed = make_service(agency=world.partner, name="Outreach")
    at = _month_start(2)
    day = datetime.timedelta(days=1)
    _received(world, service, at, assigned_after=day)          # allocated in time
    _received(world, service, at)                              # never allocated
    _received(world, service, at, decided_after=5 * day)       # decided too late
    _received(world, unteamed, at)                             # no team: never allocated
    _received(world, service, timezone.now())                  # too young to be late
    _received(world, service, _month_start(13))                # before the window
    figures = workforce(actor=actor_of(world.partner_manager))
    assert len(figures.months) == MONTHS and figures.months[-1].month == \
        timezone.localdate().month
    teams = {t.name: t for t in figures.teams}
    assert teams["IDVA team"].monthly[-3] == [3, 2]
    assert teams["IDVA team"].monthly[-1] == [1, 0]
    assert teams["No team"].monthly[-3] == [1, 1]
    assert sum(r for r, _late in teams["IDVA team"].monthly) == 4

    client = client_for(world.partner_manager)
    page = client.get(reverse("work:workforce")).content.decode()
    assert 'data-testid="unallocated-definition"' in page
    assert "2 of 3 not allocated in time" in page
    body = client.get(reverse("work:workforce-csv")).content.decode()
    month = figures.months[-3].strftime("%Y-%m")
    assert f"IDVA team,{month},3,2" in body
    assert f"No team,{month},1,1" in body


def test_other_agencies_referrals_are_not_counted(world):
    _team, service, _admin = idva_team(world)
    _received(world, service, _month_start(1))
    figures = workforce(actor=actor_of(world.lead_manager))
    assert all(cell == [0, 0] for team in figures.teams for cell in team.monthly)
    assert workforce(actor=actor_of(world.partner_practitioner)) is None


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_workforce_page_and_csv_query_counts_are_fixed(world):
    _team, service, _admin = idva_team(world)
    client = client_for(world.partner_manager)
    _received(world, service, _month_start(1))
    few = (_count(client, reverse("work:workforce")),
           _count(client, reverse("work:workforce-csv")))
    for back in range(6):
        _received(world, service, _month_start(back))
        _received(world, make_service(agency=world.partner, name=f"Outreach {back}"),
                  _month_start(back))
    many = (_count(client, reverse("work:workforce")),
            _count(client, reverse("work:workforce-csv")))
    assert few == many
    print("workforce page, csv queries:", many)
