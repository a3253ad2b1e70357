"""Browser tests: Playwright driving Debian's headless Chromium against the live server.

Every page visited is checked with axe-core (no violations allowed) and for Content Security
Policy violations in the console. Each journey runs with JavaScript on and off.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from apps.agencies.models import Membership
from tests.factories import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("WRAPAROUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visitor:
    """A page plus the checks every visited page must pass."""

    def __init__(self, page: Page, base_url: str, checker: BrowserContext | None) -> None:
        self.page = page
        self.base_url = base_url
        self.checker = checker
        self.console_errors: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(
            msg.text))

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.check()

    def check(self) -> None:
        """axe finds nothing, and the strict CSP blocked nothing."""
        results = Axe().run(self._axe_page())
        assert results.violations_count == 0, results.generate_report()
        csp = [e for e in self.console_errors if "Content Security Policy" in e]
        assert not csp, csp

    def _axe_page(self) -> Page:
        """axe needs script. With JavaScript off, the page as served is replayed, byte for
        byte, into a scripted page of a separate context and checked there."""
        if self.checker is None:
            return self.page
        html, url = self.page.content(), self.page.url
        replay = self.checker.new_page()
        replay.route(lambda u: u == url, lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=html))
        replay.goto(url)
        return replay

    def sign_in(self, membership: Membership) -> None:
        self.goto("/sign-in/")
        self.page.get_by_label("Username").fill(membership.user.username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()
        self.check()


@pytest.fixture(params=["js", "nojs"])
def visitor(request, browser: Browser, live_server) -> Iterator[Visitor]:
    javascript = request.param == "js"
    context = browser.new_context(java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    checker = None if javascript else browser.new_context()
    yield Visitor(context.new_page(), live_server.url, checker)
    context.close()
    if checker is not None:
        checker.close()
