"""The working surface in the browser (issue 13): a practitioner's tray with today's work and
the navigation count; a manager reassigning an escalated referral; a hand-over when a member
leaves. JavaScript on and off, axe and CSP checks on every page, a 390 px phone for the
tray."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.agencies.models import Role
from apps.cases.models import Involvement
from apps.referrals.models import Referral
from tests.factories import make_member
from tests.referrals.helpers import make_referral
from tests.work.helpers import action_for, idva_team, make_quiet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_practitioner_sees_todays_work_and_the_count(visitor, world, shared_case):
    _team, service, _admin = idva_team(world)
    make_referral(world=world, service=service)
    action_for(world, shared_case, days=0)
    page = visitor.page
    page.set_viewport_size({"width": 390, "height": 844})
    visitor.sign_in(world.partner_practitioner)
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    expect(page.get_by_test_id("tray-today")).to_contain_text(shared_case.reference)
    expect(page.get_by_test_id("referrals-link")).to_contain_text("Referrals 1")
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_test_id("tray-today").get_by_role("link").first.click()
    page.wait_for_load_state()
    visitor.check()


def test_manager_reassigns_an_escalated_referral(visitor, world, shared_case):
    _team, service, _admin = idva_team(world)
    referral = make_referral(world=world, service=service)
    Referral.objects.filter(pk=referral.pk).update(
        escalate_at=timezone.now() - datetime.timedelta(hours=1),
        due_at=timezone.now() - datetime.timedelta(days=1))
    colleague = make_member(agency=world.partner)
    page = visitor.page
    visitor.sign_in(world.partner_manager)
    page.get_by_test_id("caseload-link").click()
    page.wait_for_load_state()
    visitor.check()
    # One "Reassign to" list for every escalation, then the item's own button.
    page.get_by_test_id("escalations-form").get_by_label("Reassign to").select_option(
        str(colleague.user_id))
    page.get_by_test_id("escalated-referrals").get_by_role("button", name="Reassign").click()
    page.wait_for_load_state()
    visitor.check()
    expect(page.get_by_test_id("assigned-to")).to_contain_text(
        colleague.user.get_full_name() or colleague.user.username)
    referral.refresh_from_db()
    assert referral.assigned_to_id == colleague.user_id


def test_hand_over_when_a_member_leaves(visitor, world, shared_case):
    admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    leaver = world.partner_practitioner
    make_quiet(shared_case, agency=world.partner, user=leaver.user, days=0)
    action_for(world, shared_case, days=3)
    colleague = make_member(agency=world.partner)
    page = visitor.page
    visitor.sign_in(admin)
    visitor.goto(f"/agency/staff/{leaver.pk}/end/")
    expect(page.get_by_test_id("open-work")).to_be_visible()
    page.get_by_role("link", name="Hand over their work first").click()
    page.wait_for_load_state()
    visitor.check()
    page.get_by_label("Hand over to").select_option(str(colleague.user_id))
    page.get_by_role("button", name="Hand over").click()
    page.wait_for_load_state()
    visitor.check()
    expect(page.get_by_test_id("no-work")).to_be_visible()
    involvement = Involvement.objects.get(case=shared_case, agency=world.partner)
    assert involvement.key_worker_id == colleague.user_id
    visitor.goto(f"/agency/staff/{leaver.pk}/end/")
    expect(page.get_by_test_id("open-work")).to_have_count(0)
    page.get_by_role("button", name="End membership").click()
    page.wait_for_load_state()
    visitor.check()
