"""The meeting pack on the demo meeting (issue 16): a summary a chair can run the meeting from,
compact research, within each reader's scopes, and an A4 PDF download."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from apps.audit.models import AccessEvent
from apps.marac.models import Meeting, MeetingStatus
from tests.cases.test_sections_demo import client_for, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def upcoming() -> Meeting:
    return Meeting.objects.get(status=MeetingStatus.SCHEDULED)


def test_the_chairs_pack_summarises_each_case(demo):
    meeting = upcoming()
    page = client_for(member("coordinator")).get(f"/marac/meetings/{meeting.pk}/pack/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="pack-case"') == 5
    # Leah's case: victim, the person causing harm, her daughter, score and routes, repeat
    # with the earlier listing and the risk confirmed then, the open actions and their owners.
    for text in ("Leah Fairweather", "Dean", "Ruby", "Children in the household",
                 "18 of 24; routes: visible high risk", "Listed before",
                 "Risk confirmed last time", "High",
                 "Review the safety plan with Leah. – Safe Haven", "(overdue)",
                 "Fit a police marker to the address. – Northbridge Police"):
        assert text in html, text
    # Research: received text in full, the rest compact on one line.
    assert "Call-outs and bail history" in html
    assert html.count('data-testid="not-received"') == 5
    assert "<strong>Not received:</strong> Adult Social Care, Bridgeway Recovery CIC" in html
    assert "govuk-tag--yellow" not in html  # no "Not received" box per agency


def test_a_member_agency_sees_the_pack_within_its_marac_scope(demo):
    meeting = upcoming()
    html = client_for(member("mgr.changepathways")).get(
        f"/marac/meetings/{meeting.pk}/pack/").content.decode()
    # Change Pathways sits at the MARAC only: identity, risk and its own actions.
    assert "Leah Fairweather" in html and "DASH score" in html
    assert "People and children" in html and "Ruby" not in html and "Dean" not in html
    assert "Review the safety plan with Leah." not in html  # Safe Haven's action
    assert "Only your agency's actions are shown." in html


def test_the_pack_pdf_is_a4_with_each_case_on_at_most_two_pages(demo):
    meeting = upcoming()
    client = client_for(member("coordinator"))
    before = AccessEvent.objects.filter(object_type="marac_pack").count()
    response = client.get(f"/marac/meetings/{meeting.pk}/pack.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "Leah" not in disposition
    reader = PdfReader(io.BytesIO(response.content))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    starts = [i for i, p in enumerate(reader.pages) if ". Case NB-" in p.extract_text()]
    assert len(starts) == 5
    ends = [*starts[1:], len(reader.pages)]
    assert all(end - start <= 2 for start, end in zip(starts, ends, strict=True))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Ruby" in text and "Review the safety plan with Leah." in text
    assert "Not received: " in text
    assert AccessEvent.objects.filter(object_type="marac_pack").count() == before + 5


def test_the_pack_runs_a_fixed_number_of_queries_on_the_demo(demo):
    meeting = upcoming()
    client = client_for(member("coordinator"))
    client.get(f"/marac/meetings/{meeting.pk}/pack/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/marac/meetings/{meeting.pk}/pack/").status_code == 200
    assert len(ctx.captured_queries) <= 20, len(ctx.captured_queries)


def test_the_pdf_is_still_made_without_a_truetype_font(demo, monkeypatch):
    from apps.marac import pack_pdf

    def missing() -> str:
        raise FileNotFoundError("no font")

    monkeypatch.setattr(pack_pdf, "unicode_font", missing)
    meeting = upcoming()
    response = client_for(member("coordinator")).get(f"/marac/meetings/{meeting.pk}/pack.pdf")
    assert response.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Ruby" in text and "OFFICIAL - SENSITIVE" in text
