"""Fuzz every API operation in the OpenAPI schema with schemathesis.

As a signed-in integrator (token of a lead-agency practitioner, with real cases to find):
no 5xx, and every response conforms to the schema. Unauthenticated: only 401 or 403.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from apps.accounts.services import api_token_create

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
FUZZ = settings(max_examples=8, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))
RUN = {"operations": 0, "cases": 0}


schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """As Django's test client does: the WSGI handler must not close the test transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(world, shared_case) -> str:
    return api_token_create(membership=world.lead_practitioner, name="fuzz")[1]


@schema.parametrize()
@FUZZ
def test_authenticated_calls_never_fail_and_match_the_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
    RUN["cases"] += 1


@schema.parametrize()
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
def test_unauthenticated_calls_are_refused(case, db):
    response = case.call()
    try:
        resolve(case.formatted_path)
    except Resolver404:  # a malformed id matches no route at all: nothing to authenticate
        assert response.status_code == 404
        return
    assert response.status_code in (401, 403), (case.method, case.path, response.status_code)
