"""Two people deciding the same referral at once, each on their own database connection:
exactly one decision stands and the other gets a clear conflict message."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from apps.cases.models import Involvement
from apps.core.exceptions import TransitionNotAllowed
from apps.referrals import services
from apps.referrals.models import Referral, ReferralEvent, ReferralStatus
from tests.factories import actor_of
from tests.referrals.helpers import make_referral

pytestmark = pytest.mark.django_db(transaction=True)


def _race(calls) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.parametrize("second", ["accept", "decline"])
def test_two_decisions_at_once_exactly_one_stands(world, second):
    referral = make_referral(world=world)
    one, two = actor_of(world.partner_practitioner), actor_of(world.partner_manager)
    other = {
        "accept": lambda: services.referral_accept(actor=two, referral=referral),
        "decline": lambda: services.referral_decline(actor=two, referral=referral,
                                                     category="no_capacity", reason="Full"),
    }[second]
    results = _race([lambda: services.referral_accept(actor=one, referral=referral), other])
    winners = [r for r in results if isinstance(r, Referral)]
    losers = [r for r in results if isinstance(r, TransitionNotAllowed)]
    assert len(winners) == 1 and len(losers) == 1, results
    final = Referral.objects.get(pk=referral.pk)
    assert final.status == winners[0].status
    assert "already" in losers[0].message and " by " in losers[0].message
    decisions = ReferralEvent.objects.filter(
        referral=referral, to_status__in=[ReferralStatus.ACCEPTED, ReferralStatus.DECLINED])
    assert decisions.count() == 1
    expected = 1 if final.status == ReferralStatus.ACCEPTED else 0
    assert Involvement.objects.filter(case=referral.case, agency=world.partner).count() \
        == expected


def test_withdraw_racing_accept_one_wins(world):
    referral = make_referral(world=world)
    results = _race([
        lambda: services.referral_accept(actor=actor_of(world.partner_practitioner),
                                         referral=referral),
        lambda: services.referral_withdraw(actor=actor_of(world.lead_practitioner),
                                           referral=referral),
    ])
    assert sum(isinstance(r, Referral) for r in results) == 1
    assert sum(isinstance(r, TransitionNotAllowed) for r in results) == 1
