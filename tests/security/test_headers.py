from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.conftest import api_client_for, client_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_every_page_sends_a_strict_csp_and_the_security_headers(world, shared_case):
    response = client_for(world.lead_practitioner).get(f"/cases/{shared_case.pk}/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_templates_hold_no_inline_script_or_style():
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("apps/*/templates/**/*.html")]
    assert templates
    offenders = []
    for path in templates:
        text = re.sub(r"{% comment %}.*?{% endcomment %}", "", path.read_text(), flags=re.S)
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=", text) \
                or "<style" in text or re.search(r"\son[a-z]+=", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders


def test_session_and_csrf_cookies_are_http_only_and_same_site():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def _no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives


def test_signed_in_pages_and_api_responses_are_never_stored_in_caches(world, shared_case):
    """Issue 11 item 16: personal data must not sit in shared or browser caches."""
    browser = client_for(world.lead_practitioner)
    api = api_client_for(world.lead_practitioner)
    responses = {
        "page": browser.get(f"/cases/{shared_case.pk}/"),
        "page 404": browser.get("/cases/00000000-0000-0000-0000-000000000000/"),
        "api list": api.get("/api/v1/cases/"),
        "api detail": api.get(f"/api/v1/cases/{shared_case.pk}/"),
        "api 404": api.get("/api/v1/cases/00000000-0000-0000-0000-000000000000/"),
        "api 401": APIClient().get("/api/v1/cases/"),
        "api via session": browser.get("/api/v1/cases/"),
    }
    assert [r.status_code for r in responses.values()] == [200, 404, 200, 200, 404, 401, 200]
    assert {name: _no_store(r) for name, r in responses.items()} == dict.fromkeys(
        responses, True)


def test_static_files_keep_their_own_caching(world):
    static = client_for(world.lead_practitioner).get("/static/dist/app.css")
    assert static.status_code == 200 and not _no_store(static)
