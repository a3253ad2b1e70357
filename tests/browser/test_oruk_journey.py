"""An agency admin publishes a service in the open directory and imports another from an ORUK
file, reviewing it before it goes live. JavaScript on and off, axe and CSP on every page."""

from __future__ import annotations

import json
import uuid

import pytest
from playwright.sync_api import expect

from apps.agencies.models import Role, Service
from tests.factories import make_member
from tests.referrals.helpers import make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_publishes_and_imports_a_service(visitor, world, tmp_path):
    admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    service = make_service(agency=world.partner)
    page = visitor.page
    visitor.sign_in(admin)

    visitor.goto(f"/services/{service.pk}/edit/")
    visitor.check()
    page.get_by_label("Waiting time in days (optional)").fill("5")
    page.get_by_label("Publish in the open directory (Open Referral UK)").check()
    page.get_by_role("button", name="Save service").click()
    page.wait_for_load_state()
    visitor.check()
    service.refresh_from_db()
    assert service.published and service.waiting_time_days == 5

    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps([{"id": str(uuid.uuid4()), "name": "Court support",
                                 "status": "active", "description": "At court."}]))
    page.get_by_role("link", name="Import from an Open Referral UK feed").click()
    page.wait_for_load_state()
    visitor.check()
    page.get_by_role("button", name="Read the feed").click()  # nothing chosen
    page.wait_for_load_state()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    visitor.check()
    page.get_by_label("Or upload a file").set_input_files(str(feed))
    page.get_by_role("button", name="Read the feed").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("staged-services")).to_contain_text("Court support")
    visitor.check()
    assert not Service.objects.filter(name="Court support").exists()
    page.get_by_role("link", name="Review Court support").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("staged-changes")).to_contain_text("At court.")
    visitor.check()
    page.get_by_role("button", name="Apply to our directory").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Court support is now in your directory.")).to_be_visible()
    visitor.check()
    assert Service.objects.get(name="Court support").agency_id == world.partner.pk
