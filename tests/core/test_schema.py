"""OpenAPI schema and the API docs page (which must work under the strict CSP)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings():
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
                 stdout=out)
    assert '"/api/v1/cases/{case_id}/involvements/{id}/end/"' in out.getvalue()


def test_the_schema_is_served_and_covers_the_foundation():
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/agencies/", "/api/v1/people/{id}/", "/api/v1/cases/",
                 "/api/v1/cases/{id}/", "/api/v1/cases/{case_id}/notes/",
                 "/api/v1/cases/{case_id}/involvements/"):
        assert path in paths
    assert "patch" in paths["/api/v1/cases/{id}/"] and "put" not in paths["/api/v1/cases/{id}/"]


def test_the_docs_page_uses_local_assets_and_no_inline_code():
    client = Client()
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "script-src 'self'" in csp
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html and "http://" not in html.replace("http://testserver", "")
    assert "<style" not in html and "style=" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    for src in re.findall(r'<script src="([^"]+)"', html):
        asset = client.get(src)
        assert asset.status_code == 200, src
    init = client.get("/api/docs/?script")
    assert init.status_code == 200 and b"SwaggerUIBundle" in init.content
    for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html):
        assert client.get(href).status_code == 200, href


def test_foundation_viewsets_take_their_querysets_from_selectors():
    """Every foundation viewset is actor-scoped: get_queryset goes through a selector."""
    from apps.agencies.api.urls import router as agencies
    from apps.cases.api.urls import router as cases
    from apps.core.api.viewsets import ActorScopedMixin
    from apps.people.api.urls import router as people

    for router in (agencies, people, cases):
        for _prefix, viewset, _basename in router.registry:
            assert issubclass(viewset, ActorScopedMixin), viewset
            assert "selector_queryset" in vars(viewset), viewset
            assert "get_queryset" not in vars(viewset), viewset
            assert getattr(viewset, "queryset", None) is None, viewset
