"""Fixed query counts: the documents page and the case page cost the same with one document
or many."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.documents import services
from tests.conftest import client_for
from tests.documents.helpers import pdf_bytes
from tests.factories import actor_of

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add(world, case, n: int) -> None:
    for k in range(n):
        services.document_upload(actor=actor_of(world.partner_practitioner), case=case,
                                 upload=io.BytesIO(pdf_bytes()), filename=f"f{k}.pdf",
                                 title=f"Letter {k}")


def test_pages_run_a_fixed_number_of_queries(world, shared_case, document_root):
    client = client_for(world.partner_practitioner)
    urls = [f"/cases/{shared_case.pk}/", f"/cases/{shared_case.pk}/documents/"]
    _add(world, shared_case, 1)
    one = [_count(client, url) for url in urls]
    _add(world, shared_case, 4)
    assert [_count(client, url) for url in urls] == one
