from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from apps.agencies.actor import Actor
from apps.agencies.models import Agency, Membership
from apps.cases.models import Case
from apps.cases.permissions import case_permissions_sync
from apps.cases.selectors import case_list
from apps.core.demo import data, loader

pytestmark = pytest.mark.django_db


def actor(username: str, agency: str | None = None) -> Actor:
    memberships = Membership.objects.active().select_related("agency", "user").filter(
        user__username=username)
    if agency:
        memberships = memberships.filter(agency__name=agency)
    return Actor(user=memberships[0].user, membership=memberships[0])


def visible(username: str, agency: str | None = None) -> set[str]:
    return {c.subject.given_name for c in case_list(actor=actor(username, agency))
            .select_related("subject")}


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_load_demo_is_idempotent(demo):
    counts = (Agency.objects.count(), Case.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Agency.objects.count(), Case.objects.count()) == counts == (13, len(data.CASES))


def test_every_demo_user_can_sign_in(demo):
    for username, *_ in data.USERS:
        assert Client().login(username=username, password=loader.DEFAULT_PASSWORD), username


def test_each_demo_user_sees_exactly_their_agencys_cases(demo):
    # Sian's case is restricted: police see it only through its named key worker and managers.
    assert visible("pc.jones") == {"Leah", "Olu", "Amina", "Sian"}
    assert visible("sgt.khan") == {"Leah", "Olu", "Amina", "Sian"}
    assert visible("admin.police") == {"Leah", "Olu", "Amina"}
    assert visible("idva.clarke") == {"Leah", "Sian", "Amina", "Kayla"}
    assert visible("worker.hearth") == {"Connor"}
    assert visible("coordinator") == set()
    assert visible("secondee.morgan", "Bridgeway Recovery CIC") == {"Tariq", "Connor", "Pete"}
    assert visible("secondee.morgan", "Adult Social Care") == {"Grace"}
    assert visible("housing.lee") == {"Leah", "Ben"}  # ended involvements give no access


def test_demo_grants_have_no_drift(demo):
    assert not any(case_permissions_sync(case=c, apply=False) for c in Case.objects.all())
