"""The shared input limits (apps.core.limits) and their form and API fields."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.forms import TextField
from apps.core.limits import DateRangeValidator


def _refuses(validator: DateRangeValidator, day: datetime.date) -> bool:
    try:
        validator(day)
    except ValidationError:
        return True
    return False


def test_date_windows():
    today = timezone.localdate()
    planned, birth = DateRangeValidator("planned", "Due date"), DateRangeValidator("birth")
    latest = today.replace(year=today.year + 5) if not (today.month == 2 and today.day == 29) \
        else today.replace(year=today.year + 5, day=28)
    assert not _refuses(planned, latest)
    assert _refuses(planned, latest + datetime.timedelta(days=1))
    assert not _refuses(planned, datetime.date(2000, 1, 1))
    assert _refuses(planned, datetime.date(1999, 12, 31))
    assert not _refuses(birth, today) and not _refuses(birth, datetime.date(1900, 1, 1))
    assert _refuses(birth, today + datetime.timedelta(days=1))
    assert _refuses(birth, datetime.date(1899, 12, 31))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"label": "Note"}, "Note must be 10,000 characters or fewer"),
    ({"label": "Why are you withdrawing it? (optional)", "name": "Reason"},
     "Reason must be 10,000 characters or fewer"),
    ({"label": "Reason for the referral (optional)"},
     "Reason for the referral must be 10,000 characters or fewer"),
])
def test_form_text_fields_name_themselves_in_the_length_message(kwargs, message):
    field = TextField(**kwargs)
    with pytest.raises(ValidationError) as refused:
        field.clean("x" * 10_001)
    assert refused.value.messages == [message]
    assert field.clean("x" * 10_000) == "x" * 10_000


def test_api_text_fields_take_only_strings(world):
    from tests.conftest import api_client_for

    client = api_client_for(world.lead_practitioner)
    response = client.post("/api/v1/people/", {"given_name": -538909, "family_name": "Smith",
                                               "confirm_new": True}, format="json")
    assert response.status_code == 400 and "given_name" in response.json()
