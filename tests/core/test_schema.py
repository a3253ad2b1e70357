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


def _schema() -> dict:
    return Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_every_operation_documents_its_error_answers_with_their_body():
    """Issue 11 item 14: the schema lists 400/401/403/404/409/415/429 where they happen."""
    operations = [(path, method, op) for path, ops in _schema()["paths"].items()
                  for method, op in ops.items()]
    assert len(operations) >= 70
    for path, method, operation in operations:
        codes = set(operation["responses"])
        expected = {"400", "401", "403", "404", "429"}
        if method in ("post", "put", "patch"):
            expected |= {"409", "415"}
        assert expected <= codes, (method, path, codes)
        body = operation["responses"]["404"]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/Error"}
        assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_read_only_fields_declare_the_blank_and_null_they_answer():
    components = _schema()["components"]["schemas"]
    blank = {"$ref": "#/components/schemas/BlankEnum"}
    assert blank in components["SharingBasisRecord"]["properties"]["consent_given_by"]["oneOf"]
    assert blank in components["AgendaItem"]["properties"]["risk_confirmed"]["oneOf"]
    assert components["SharingBasisRecord"]["properties"]["consent"]["nullable"] is True


def test_a_malformed_id_under_the_api_is_a_json_404():
    response = Client().get("/api/v1/cases/not-a-uuid/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_page_size_must_be_a_whole_number(world):
    from tests.conftest import api_client_for

    client = api_client_for(world.lead_practitioner)
    response = client.get("/api/v1/cases/?page_size=null")
    assert response.status_code == 400
    assert "page_size" in response.json()
    assert client.get("/api/v1/cases/?page_size=5").status_code == 200
