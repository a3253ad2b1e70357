"""An agency admin adds a webhook (an error first), copies the secret shown once, sends a test
event and reads the delivery log. JavaScript on and off, axe and CSP on every page, and the
pages fit a 390px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.agencies.models import Role
from apps.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_a_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide at 390px"


def test_admin_adds_a_webhook_and_reads_its_log(visitor, world):
    admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    page = visitor.page
    page.set_viewport_size({"width": 390, "height": 844})
    visitor.sign_in(admin)

    visitor.goto("/agency/staff/")
    page.get_by_test_id("webhooks-link").click()
    page.wait_for_load_state()
    visitor.check()
    _fits_a_phone(page)
    page.get_by_role("link", name="Add a webhook").click()
    page.wait_for_load_state()
    visitor.check()
    page.get_by_label("Web address").fill("http://93.184.215.14/hooks")
    page.get_by_role("button", name="Add webhook").click()
    page.wait_for_load_state()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The address must start with https://")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose at least one event")
    visitor.check()
    _fits_a_phone(page)
    page.get_by_label("Web address").fill("https://93.184.215.14/wraparound/hooks")
    page.get_by_label("Referral received (sent to your agency)").check()
    page.get_by_role("button", name="Add webhook").click()
    page.wait_for_load_state()
    visitor.check()
    _fits_a_phone(page)
    endpoint = WebhookEndpoint.objects.get()
    expect(page.get_by_test_id("webhook-secret")).to_have_text(endpoint.secret)

    page.get_by_role("link", name="Back to webhooks").click()
    page.wait_for_load_state()
    visitor.check()
    expect(page.get_by_test_id("webhooks")).to_contain_text("referral.received")
    assert endpoint.secret not in page.content()
    page.get_by_role("link", name="Change webhook to").click()
    page.wait_for_load_state()
    visitor.check()
    _fits_a_phone(page)
    page.get_by_role("button", name="Send test event").click()
    page.wait_for_load_state()
    visitor.check()
    _fits_a_phone(page)
    expect(page.get_by_text("Test event queued.")).to_be_visible()
    expect(page.get_by_test_id("deliveries")).to_contain_text("webhook.test")
    assert WebhookDelivery.objects.get().event == "webhook.test"
