"""Browser tests: Playwright driving Debian's headless Chromium against the live server.

Every page visited is checked with axe-core (no violations allowed) and for Content Security
Policy violations in the console. Journeys run with JavaScript on and off (``visitor`` is
parametrised; ``page``, ``page_nojs``, ``login`` and ``axe_check`` are the building blocks).

The CSP is left enforced (no ``bypass_csp``): axe is injected through the DevTools protocol,
which CSP does not block, so a page that breaks the policy still fails the test. With
JavaScript off axe cannot run in the page itself, so the page's HTML is replayed in a second,
JavaScript-enabled context whose own scripts are blocked, and axe runs there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

from apps.agencies.models import Membership
from tests.factories import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("WRAPAROUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_context(browser: Browser, *, javascript: bool) -> BrowserContext:
    context = browser.new_context(java_script_enabled=javascript)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


def _javascript_enabled(page: Page) -> bool:
    return bool(getattr(page, "_wraparound_js", True))


def _console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page._wraparound_errors = errors  # type: ignore[attr-defined]
    return errors


def _axe_on_static_copy(page: Page) -> None:
    """Run axe on the no-JS page's HTML, replayed in a JS-enabled context with scripts blocked."""
    html = page.content()
    url = page.url
    browser = page.context.browser
    assert browser is not None
    context = _new_context(browser, javascript=True)
    try:
        copy = context.new_page()

        def serve(route: Route) -> None:
            if route.request.url == url:
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            elif route.request.resource_type == "script":
                route.abort()
            else:
                route.continue_()

        copy.route("**/*", serve)
        copy.goto(url)
        _assert_axe_clean(copy, url)
    finally:
        context.close()


def _assert_axe_clean(page: Page, url: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"axe on {url}:\n{results.generate_report()}"


def axe_check(page: Page) -> None:
    """Assert axe-core finds no violations and the CSP blocked nothing on the current page."""
    page.wait_for_load_state()
    if _javascript_enabled(page):
        _assert_axe_clean(page, page.url)
    else:
        _axe_on_static_copy(page)
    errors = getattr(page, "_wraparound_errors", [])
    csp = [e for e in errors if "Content Security Policy" in e]
    assert not csp, csp


def login(page: Page, membership: Membership, base_url: str | None = None) -> None:
    """Sign in through /sign-in/ as the membership's user (acting for its agency)."""
    base = base_url or getattr(page, "_wraparound_base", "")
    page.goto(f"{base}/sign-in/")
    axe_check(page)
    page.get_by_label("Username").fill(membership.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    axe_check(page)


def _page(browser: Browser, base_url: str, *, javascript: bool) -> Iterator[Page]:
    context = _new_context(browser, javascript=javascript)
    page = context.new_page()
    page._wraparound_js = javascript  # type: ignore[attr-defined]
    page._wraparound_base = base_url  # type: ignore[attr-defined]
    _console_errors(page)
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A page with JavaScript on, against the live server (use with transactional db)."""
    yield from _page(browser, live_server.url, javascript=True)


@pytest.fixture
def page_nojs(browser: Browser, live_server) -> Iterator[Page]:
    """A page with JavaScript off: everything must still work."""
    yield from _page(browser, live_server.url, javascript=False)


class Visitor:
    """A page plus the checks every visited page must pass."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.check()

    def check(self) -> None:
        axe_check(self.page)

    def sign_in(self, membership: Membership) -> None:
        login(self.page, membership, self.base_url)


@pytest.fixture(params=["js", "nojs"])
def visitor(request, browser: Browser, live_server) -> Iterator[Visitor]:
    """The same journey with JavaScript on and off."""
    for page in _page(browser, live_server.url, javascript=request.param == "js"):
        yield Visitor(page, live_server.url)
