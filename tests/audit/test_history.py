from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from apps.audit.models import AccessEvent
from apps.cases.models import Case
from apps.cases.services import case_note_add
from tests.factories import actor_of, make_case

pytestmark = pytest.mark.django_db


def test_access_events_cannot_be_updated_or_deleted(world):
    make_case(lead=world.lead_practitioner)
    event = AccessEvent.objects.latest("id")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_accessevent WHERE id = %s", [event.pk])
    assert AccessEvent.objects.filter(pk=event.pk, action="create").exists()


def test_bulk_updates_are_recorded_by_triggers(world):
    case = make_case(lead=world.lead_practitioner)
    Case.objects.filter(pk=case.pk).update(risk_level="high")
    events = list(case.events.order_by("pgh_id").values_list("pgh_label", "risk_level"))
    assert events[0] == ("insert", "standard")
    assert ("update", "high") in events


def test_history_rows_are_append_only(world):
    case = make_case(lead=world.lead_practitioner)
    case_note_add(actor=actor_of(world.lead_practitioner), case=case, text="Seen at home.")
    note_event = case.notes.get(text="Seen at home.").events.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        type(note_event).objects.filter(pk=note_event.pk).update(text="rewritten")
