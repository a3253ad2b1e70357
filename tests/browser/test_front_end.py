"""In headless Chromium: sign in through the form; the built front end loads under the strict
CSP with no violations; htmx and GOV.UK/MOJ Frontend start; axe finds no WCAG A/AA problems."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The browser is the session's one (tests/browser/conftest.py): a second Playwright in the
# same process would find the first one's event loop running.
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                "wcag22aa"]}, "resultTypes": ["violations"]}


def open_page(browser):
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return page, problems


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state("networkidle")


def test_front_end_loads_under_the_strict_csp(browser, live_server, world):
    page, problems = open_page(browser)
    sign_in(page, live_server.url, world.lead_admin.user.username)
    for url in (reverse("accounts:profile"), reverse("agencies:members")):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert page.eval_on_selector("body", "b => b.classList.contains('js-enabled')"), url
        assert page.evaluate("typeof window.htmx === 'object'"), url
        assert page.evaluate("htmx.config.includeIndicatorStyles") is False
        assert page.evaluate("document.querySelectorAll('style').length") == 0, url
        assert page.inner_text("[data-testid=acting-agency]") == "Northbridge Police"
        font = page.eval_on_selector("h1", "h => getComputedStyle(h).fontFamily")
        assert "GDS Transport" not in font and "system-ui" in font
    assert problems == []  # no CSP violations, no missing modules, no script errors


def test_sign_out_button_in_the_menu_works(browser, live_server, world):
    page, problems = open_page(browser)
    sign_in(page, live_server.url, world.lead_practitioner.user.username)
    page.goto(live_server.url + reverse("accounts:profile"))
    page.click("button:has-text('Sign out')")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("accounts:login"))
    assert problems == []


def test_no_accessibility_violations(browser, live_server, world):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    # A request waiting for the lead agency's admin, so the secondments table is checked too.
    from apps.agencies.models import Role
    from apps.agencies.services import secondment_request_create
    from tests.factories import actor_of, make_member

    secondment_request_create(
        actor=actor_of(make_member(agency=world.partner, role=Role.AGENCY_ADMIN)),
        username=world.lead_practitioner.user.username, role=Role.PRACTITIONER)
    # axe is injected through the DevTools protocol, which the (enforced) CSP does not block.
    page, problems = open_page(browser)
    page.goto(live_server.url + reverse("accounts:login"))
    pages = {"sign-in": axe.run(page, options=WCAG)}
    sign_in(page, live_server.url, world.lead_admin.user.username)
    for name, url in (("profile", reverse("accounts:profile")),
                      ("members", reverse("agencies:members")),
                      ("member-add", reverse("agencies:member-add")),
                      ("member-request", reverse("agencies:member-request")),
                      ("secondments", reverse("agencies:secondments"))):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        pages[name] = axe.run(page, options=WCAG)
    report = {name: result.generate_report() for name, result in pages.items()
              if result.violations_count}
    assert not report, report
    assert problems == []
