from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.referrals import services
from apps.referrals.models import Referral
from apps.referrals.selectors import inbox, outgoing, referral_get, referral_list
from tests.factories import actor_of
from tests.referrals.helpers import make_referral, make_service

pytestmark = pytest.mark.django_db


def test_outsider_sees_no_referral(world):
    referral = make_referral(world=world)
    assert not referral_list(actor=actor_of(world.outsider_manager)).exists()
    with pytest.raises(Http404):
        referral_get(actor=actor_of(world.outsider_manager), referral_id=referral.pk)
    with pytest.raises(Http404):
        referral_get(actor=actor_of(world.lead_practitioner), referral_id="not-a-uuid")


def test_inbox_tabs(world):
    service = make_service(agency=world.partner)
    fresh, opened, late, asked = (make_referral(world=world, service=service)
                                  for _ in range(4))
    partner = actor_of(world.partner_practitioner)
    services.referral_open(actor=partner, referral=opened)
    Referral.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    services.referral_open(actor=partner, referral=asked)
    services.referral_request_info(actor=partner, referral=asked, question="?")
    tab = {name: {r.pk for r in inbox(actor=partner, tab=name).items}
           for name in ("new", "awaiting", "overdue")}
    assert tab["new"] == {fresh.pk, late.pk}
    assert tab["awaiting"] == {opened.pk, asked.pk}
    assert tab["overdue"] == {late.pk}
    assert inbox(actor=actor_of(world.lead_practitioner), tab="new").items == []
    with pytest.raises(Http404):
        inbox(actor=partner, tab="everything")


def test_opening_by_the_referrer_does_not_mark_it_seen(world):
    referral = make_referral(world=world)
    services.referral_open(actor=actor_of(world.lead_practitioner), referral=referral)
    referral.refresh_from_db()
    assert referral.seen_at is None


def test_outgoing_keyset_pagination_in_fixed_queries(world):
    service = make_service(agency=world.partner)
    made = [make_referral(world=world, service=service, submit=bool(i % 2)) for i in range(5)]
    actor = actor_of(world.lead_practitioner)
    seen, cursor = [], None
    with CaptureQueriesContext(connection) as queries:
        page = outgoing(actor=actor, page_size=2)
    # One read of the page; the rest is joins_as_written()'s savepoint and planner setting.
    reads = [q["sql"] for q in queries if "referrals_referral" in q["sql"]]
    assert len(reads) == 1 and len(queries) <= 5
    while True:
        page = outgoing(actor=actor, cursor=cursor, page_size=2)
        seen += [r.pk for r in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == [r.pk for r in sorted(made, key=lambda r: (r.created_at, r.pk),
                                         reverse=True)]
    assert outgoing(actor=actor_of(world.partner_practitioner)).items == []
