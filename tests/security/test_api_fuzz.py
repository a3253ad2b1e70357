"""Fuzz every API operation in the OpenAPI schema with schemathesis, in the test suite.

Every operation is called with schema-valid data (positive) and with invalid data
(negative), through the WSGI app, with API tokens of two agencies (a lead agency's
practitioner and a partner agency's manager, picked per example), against a world with real
cases. Every response must pass schemathesis' checks: no server error, a status code the
schema documents, the documented content type and body schema, and (negative data) a 4xx
refusal. Unauthenticated calls answer only 401 (or 404 for a path no route matches).

One test builds the world once and runs every operation in it, so the whole run stays around
a minute on a small machine; it prints the operations, examples and time it covered.
Every parameter is fuzzed, ``cursor`` included: the shared paginator answers 400 for a cursor
it did not hand out (tests/core/test_pagination.py tests that on every list).
"""

from __future__ import annotations

import datetime
import os
import time
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError, close_old_connections, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from apps.accounts.services import api_token_create
from tests.conftest import api_client_for
from tests.marac.helpers import listed, make_marac
from tests.referrals.helpers import make_referral

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 6}
REAL_OBJECT_EXAMPLES = 6  # positive examples on the real objects of the world, per operation
SKIPPED_PARAMETERS: set[str] = set()  # nothing: cursors are fuzzed too (shared paginator)


def _fuzzed_schema() -> dict:
    raw = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for operations in raw["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict) and "parameters" in operation:
                operation["parameters"] = [p for p in operation["parameters"]
                                           if p.get("name") not in SKIPPED_PARAMETERS]
    return raw


def _load_schema() -> schemathesis.schemas.BaseSchema:
    loaded = schemathesis.openapi.from_dict(_fuzzed_schema())
    loaded.app = get_wsgi_application()
    loaded.location = "/api/schema/"
    return loaded


SCHEMA = _load_schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def _detach_connection_closing() -> None:
    """As Django's test client does during a request: the WSGI handler must not close the
    test transaction. Again after each test-client call, which connects them back."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)


@pytest.fixture(autouse=True)
def _keep_test_connection():
    _detach_connection_closing()
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _real_path_parameters(path: str, clients: list[APIClient]) -> dict | None:
    """Ids of real objects for the path's parameters, found through the list endpoints
    (``/cases/{case_id}/notes/{id}/``: a case from ``/cases/``, then one of its notes)."""
    parts = path.split("/")
    found: dict[str, str] = {}
    for index, part in enumerate(parts):
        if not part.startswith("{"):
            continue
        collection = "/".join(parts[:index]).format(**found) + "/"
        for client in clients:
            response = client.get(collection)
            _detach_connection_closing()
            results = response.json().get("results") if response.status_code == 200 else None
            if results:
                found[part[1:-1]] = results[0]["id"]
                break
        else:
            return None
    return found


def _world_with_objects(world, shared_case) -> None:
    """A submitted referral, a MARAC referral listed at a meeting (with its checklist and
    agenda item), an action, a consent, an emergency access and notifications: real objects
    for the fuzzer to act on."""
    make_referral(world=world, case=shared_case)
    listed(world=world, marac=make_marac(world), case=shared_case)
    due = str(timezone.localdate() + datetime.timedelta(days=7))
    response = api_client_for(world.partner_practitioner).post("/api/v1/actions/", {
        "case": str(shared_case.pk), "description": "Check in weekly.",
        "owner_agency": str(world.partner.pk), "due_date": due}, format="json")
    _detach_connection_closing()
    assert response.status_code == 201, response.content
    response = api_client_for(world.lead_practitioner).post("/api/v1/consents/", {
        "person": str(shared_case.subject_id), "given_by": "person",
        "given_on": str(timezone.localdate()), "method": "verbal", "review_date": due,
        "purposes": ["support"], "scope_agencies": [str(world.partner.pk)]}, format="json")
    _detach_connection_closing()
    assert response.status_code == 201, response.content
    response = api_client_for(world.outsider_practitioner).post("/api/v1/emergency-accesses/", {
        "case_reference": shared_case.reference, "reason": "Risk to life now."}, format="json")
    _detach_connection_closing()
    assert response.status_code == 201, response.content


def _fuzz(operation, mode: GenerationMode, tokens: list[str], stats: Counter,
          failures: list[str], *, path_parameters: dict | None = None,
          examples: int | None = None) -> None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @given(case=strategy, token=st.sampled_from(tokens))
    @settings(max_examples=examples or EXAMPLES[mode], deadline=None, derandomize=True,
              database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def run(case, token):
        stats["examples"] += 1
        try:
            with transaction.atomic():  # a failed query must not poison the next example
                response = case.call(headers={"Authorization": f"Token {token}"})
            stats[f"status {response.status_code}"] += 1
            case.validate_response(response, checks=CHECKS,
                                   headers={"Authorization": f"Token {token}"})
        except (FailureGroup, AssertionError, DatabaseError) as exc:
            failures.append(f"{operation.label} ({mode}): {exc}"[:4000])

    try:
        run()
    except Unsatisfiable:  # nothing in this operation can be made invalid (no input at all)
        stats["nothing to negate"] += 1


def test_every_operation_as_two_agencies_matches_the_schema(world, shared_case, capsys):
    _world_with_objects(world, shared_case)
    tokens = [api_token_create(membership=world.lead_practitioner, name="fuzz")[1],
              api_token_create(membership=world.partner_manager, name="fuzz")[1]]
    lookup = api_token_create(membership=world.lead_manager, name="fuzz lookups")[1]
    clients = [APIClient(HTTP_AUTHORIZATION=f"Token {token}") for token in [*tokens, lookup]]
    stats: Counter = Counter()
    failures: list[str] = []
    started = time.monotonic()
    slowest, without = [], []
    for operation in OPERATIONS:
        for mode in EXAMPLES:
            begun = time.monotonic()
            _fuzz(operation, mode, tokens, stats, failures)
            slowest.append((time.monotonic() - begun, f"{operation.label} {mode}"))
        if "{" in operation.path:
            real = _real_path_parameters(operation.path, clients)
            if real is None:
                stats["no real object"] += 1
                without.append(operation.label)
                continue
            stats["operations on real objects"] += 1
            _fuzz(operation, GenerationMode.POSITIVE, tokens, stats, failures,
                  path_parameters=real, examples=REAL_OBJECT_EXAMPLES)
    elapsed = time.monotonic() - started
    with capsys.disabled():
        statuses = ", ".join(f"{k.removeprefix('status ')}: {v}"
                             for k, v in sorted(stats.items()) if k.startswith("status"))
        print(f"\nschemathesis: {len(OPERATIONS)} operations "
              f"({stats['operations on real objects']} also on real objects, "
              f"{stats['no real object']} without one: {', '.join(without)}), "
              f"{stats['examples']} examples "
              f"in {elapsed:.0f}s ({statuses}); {len(failures)} failures; slowest: "
              + ", ".join(f"{label} {t:.1f}s" for t, label in sorted(slowest)[-5:]))
    assert len(OPERATIONS) >= 70
    if os.environ.get("WRAPAROUND_FUZZ_REPORT"):
        Path(os.environ["WRAPAROUND_FUZZ_REPORT"]).write_text("\n\n=====\n".join(failures))
    distinct = {}
    for failure in failures:  # one example of each (operation, mode, kind of failure)
        head = failure.split(":", 1)[0]
        kinds = tuple(line.strip() for line in failure.splitlines() if line.strip()[:4] == "- ST")
        distinct.setdefault((head, kinds), failure)
    assert not failures, "\n\n".join(list(distinct.values())[:20])


def test_unauthenticated_calls_are_refused(db):
    statuses: Counter = Counter()
    for operation in OPERATIONS:
        @given(case=operation.as_strategy())
        @settings(max_examples=2, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call()
            statuses[response.status_code] += 1
            try:
                resolve(case.formatted_path)
            except Resolver404:  # a malformed id matches no route: nothing to authenticate
                assert response.status_code == 404
                return
            # 400: NUL in the generated input, refused before anything else (no data either)
            assert response.status_code in (400, 401), (case.method, case.path,
                                                        response.status_code)

        run()
    assert statuses[401] >= len(OPERATIONS)
