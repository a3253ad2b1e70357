from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from apps.agencies.actor import Actor
from apps.agencies.models import Agency, Membership
from apps.cases.models import Case, CaseNote, Involvement
from apps.cases.permissions import case_permissions_sync
from apps.cases.selectors import case_list
from apps.core.demo import data, loader
from apps.people.models import Person

pytestmark = pytest.mark.django_db
User = get_user_model()


def actor(username: str, agency: str | None = None) -> Actor:
    memberships = Membership.objects.active().select_related("agency", "user").filter(
        user__username=username)
    if agency:
        memberships = memberships.filter(agency__name=agency)
    membership = memberships.order_by("created_at")[0]
    return Actor(user=membership.user, membership=membership)


def visible(username: str, agency: str | None = None) -> set[str]:
    return {c.subject.given_name for c in case_list(actor=actor(username, agency))
            .select_related("subject")}


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in
                 (Agency, Membership, User, Person, Case, Involvement, CaseNote))


@pytest.fixture
def demo(db):
    """The full demo, with every app's extension."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def core_demo(db):
    """Only the core tables in apps.core.demo.data: exact visibility is pinned down on these."""
    assert loader.load(say=lambda _line: None, extensions=False)


def test_load_demo_is_idempotent(demo):
    before = counts()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == before
    assert before[0] == len(data.AGENCIES) == 13
    from apps.insight.demo import HISTORY_PEOPLE  # the reports' closed history cases

    assert before[4] == len(data.CASES) + HISTORY_PEOPLE
    assert "already loaded" in out.getvalue()
    assert "secondee.morgan" in out.getvalue() and loader.DEFAULT_PASSWORD in out.getvalue()


def test_every_demo_user_can_sign_in(demo):
    for username in [*(u[0] for u in data.USERS), "admin"]:
        assert Client().login(username=username, password=loader.DEFAULT_PASSWORD), username


def test_each_demo_user_sees_exactly_their_agencys_cases(core_demo):
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


def test_full_demo_keeps_the_boundaries(demo):
    """Whatever later capabilities add (MARAC, referrals, consent), these must hold."""
    police_led = {"Leah", "Amina", "Sian"}
    assert not visible("worker.hearth") & police_led  # an outsider to police-led cases
    assert "Sian" not in visible("admin.police")  # restricted: named people only
    assert "Sian" not in visible("worker.hearth")
    assert "Kayla" not in visible("housing.lee")  # the involvement ended
    bridgeway = visible("secondee.morgan", "Bridgeway Recovery CIC")
    adult_care = visible("secondee.morgan", "Adult Social Care")
    assert "Grace" in adult_care and "Grace" not in bridgeway
    assert bridgeway != adult_care


@pytest.mark.parametrize("fixture", ["core_demo", "demo"])
def test_demo_grants_have_no_drift(fixture, request):
    request.getfixturevalue(fixture)
    assert not any(case_permissions_sync(case=c, apply=False) for c in Case.objects.all())
