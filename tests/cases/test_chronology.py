"""The chronology (issue 16): system entries recorded together are one grouped entry, filters
by kind and agency, "Older entries" by keyset, the same set through the notes API, and a
fixed number of queries whatever the chronology's length."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.cases.chronology import group_entries
from apps.cases.models import CaseNote, NoteKind
from apps.cases.services import case_note_add
from tests.conftest import client_for
from tests.factories import actor_of

pytestmark = pytest.mark.django_db


def _system(case, membership, texts):
    return [CaseNote.objects.create(case=case, author=membership.user,
                                    agency=membership.agency, kind=NoteKind.SYSTEM, text=t)
            for t in texts]


def test_system_entries_recorded_together_are_one_entry(world, shared_case):
    agencies = ["Probation", "Housing Options", "Children's Services"]
    _system(shared_case, world.lead_practitioner,
            [f"{name} involved on the MARAC basis." for name in agencies])
    case_note_add(actor=actor_of(world.partner_practitioner), case=shared_case,
                  text="Safety planning call.", kind=NoteKind.CONTACT)
    notes = list(CaseNote.objects.filter(case=shared_case).order_by("-created_at", "-id"))
    entries = group_entries(notes)
    grouped = [e for e in entries if e.grouped]
    assert len(grouped) == 1 and len(grouped[0].notes) == 3
    assert grouped[0].summary == ("Probation, Housing Options and Children's Services "
                                  "involved on the MARAC basis.")
    assert entries[0].note.text == "Safety planning call."  # the real note stays on top

    html = client_for(world.partner_practitioner).get(
        f"/cases/{shared_case.pk}/").content.decode()
    assert html.count('data-testid="timeline-group"') == 1
    assert "Show the 3 entries" in html and "Housing Options involved on the MARAC basis." in html


def test_unrelated_system_entries_stay_apart(world, shared_case):
    a, b = _system(shared_case, world.lead_practitioner, ["Case opened.", "Risk changed."])
    CaseNote.objects.filter(pk=b.pk).update(created_at=a.created_at.replace(year=2020))
    notes = list(CaseNote.objects.filter(case=shared_case).order_by("-created_at", "-id"))
    assert all(not e.grouped for e in group_entries(notes))


def _many(case, membership, n, kind=NoteKind.NOTE, prefix="Entry"):
    actor = actor_of(membership)
    for i in range(n):
        case_note_add(actor=actor, case=case, text=f"{prefix} {i:03d}", kind=kind)


def test_older_entries_page_by_keyset_with_filters_kept(world, shared_case):
    _many(shared_case, world.lead_practitioner, 60)
    _many(shared_case, world.partner_practitioner, 3, kind=NoteKind.INCIDENT, prefix="Incident")
    client = client_for(world.lead_practitioner)
    first = client.get(f"/cases/{shared_case.pk}/").content.decode()
    link = re.search(r'data-testid="older-entries" href="([^"]+)"', first)
    assert link, "no Older entries link"
    second = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    seen_first = set(re.findall(r"Entry \d{3}", first))
    seen_second = set(re.findall(r"Entry \d{3}", second))
    assert seen_first and seen_second and not seen_first & seen_second
    assert len(seen_first | seen_second) == 60
    assert "Latest entries" in second

    filtered = client.get(f"/cases/{shared_case.pk}/",
                          {"kind": "incident", "agency": str(world.partner.pk)}).content.decode()
    assert "Incident 002" in filtered and "Entry 059" not in filtered
    assert 'data-testid="older-entries"' not in filtered
    # A bad filter value is ignored with the form's error, never a 5xx.
    assert client.get(f"/cases/{shared_case.pk}/", {"kind": "nonsense"}).status_code == 200
    assert client.get(f"/cases/{shared_case.pk}/", {"cursor": "nonsense"}).status_code == 400


def test_the_notes_api_filters_and_pages_like_the_case_page(world, shared_case):
    _many(shared_case, world.lead_practitioner, 5)
    _many(shared_case, world.partner_practitioner, 2, kind=NoteKind.INCIDENT)
    client = client_for(world.lead_practitioner)
    url = f"/api/v1/cases/{shared_case.pk}/notes/"
    body = client.get(url, {"kind": "incident", "agency": str(world.partner.pk)}).json()
    assert {n["text"] for n in body["results"]} == {"Entry 000", "Entry 001"}
    assert client.get(url, {"kind": "nonsense"}).status_code == 400
    assert client.get(url, {"agency": "not-a-uuid"}).status_code == 400
    page = client.get(url, {"page_size": 3}).json()
    assert len(page["results"]) == 3 and page["next"]


def test_the_case_page_runs_a_fixed_number_of_queries_whatever_the_chronology(world,
                                                                              shared_case):
    client = client_for(world.lead_practitioner)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/cases/{shared_case.pk}/").status_code == 200
        return len(ctx.captured_queries)

    _many(shared_case, world.lead_practitioner, 5)
    count()
    few = count()
    _many(shared_case, world.partner_practitioner, 120)
    assert count() == few
