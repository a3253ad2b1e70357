"""Fuzz every API operation in the OpenAPI schema with schemathesis, in the test suite.

Every operation is called with schema-valid data (positive) and with invalid data
(negative), through the WSGI app, with API tokens of two agencies (a lead agency's
practitioner and a partner agency's manager, picked per example), against a world with real
cases. Every response must pass schemathesis' checks: no server error, a status code the
schema documents, the documented content type and body schema, and (negative data) a 4xx
refusal. Unauthenticated calls answer only 401 (or 404 for a path no route matches).

One test builds the world once and runs every operation in it, so the whole run stays around
a minute on a small machine; it prints the operations, examples and time it covered.
The ``cursor`` query parameter is left out of the fuzzed schema: its handling (opaque cursors,
400 for a crafted one) is issue 11 item 9, tested with the shared paginator.
"""

from __future__ import annotations

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
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
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

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 8}
SKIPPED_PARAMETERS = {"cursor"}  # issue 11 item 9 (the shared paginator) covers it


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


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """As Django's test client does: the WSGI handler must not close the test transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _fuzz(operation, mode: GenerationMode, tokens: list[str], stats: Counter,
          failures: list[str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode), token=st.sampled_from(tokens))
    @settings(max_examples=EXAMPLES[mode], deadline=None, derandomize=True, database=None,
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
    tokens = [api_token_create(membership=world.lead_practitioner, name="fuzz")[1],
              api_token_create(membership=world.partner_manager, name="fuzz")[1]]
    stats: Counter = Counter()
    failures: list[str] = []
    started = time.monotonic()
    slowest = []
    for operation in OPERATIONS:
        for mode in EXAMPLES:
            begun = time.monotonic()
            _fuzz(operation, mode, tokens, stats, failures)
            slowest.append((time.monotonic() - begun, f"{operation.label} {mode}"))
    elapsed = time.monotonic() - started
    with capsys.disabled():
        statuses = ", ".join(f"{k.removeprefix('status ')}: {v}"
                             for k, v in sorted(stats.items()) if k.startswith("status"))
        print(f"\nschemathesis: {len(OPERATIONS)} operations, {stats['examples']} examples "
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
