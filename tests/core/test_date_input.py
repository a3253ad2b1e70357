"""The one GOV.UK date input: parsing, the design system's messages, the boxes marked wrong,
and the one way dates are shown."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone

from apps.core.date_input import DateInputField, DateTimeInputField
from apps.core.dates import format_date, format_datetime, format_time


class Form(forms.Form):
    due = DateInputField(kind="planned", label="Due date",
                         error_messages={"required": "Enter the due date"})
    born = DateInputField(kind="birth", name="Date of birth", label="Date of birth (optional)",
                          required=False)
    searched = DateInputField(label="From", name="Date from", required=False)


class MeetingForm(forms.Form):
    starts_at = DateTimeInputField(kind="planned", name="Date and time of the meeting",
                                   label="Date and time")


def _form(**data: str) -> Form:
    next_year = timezone.localdate().year + 1
    base = {"due_day": "1", "due_month": "2", "due_year": str(next_year)}
    return Form(data={**base, **data})


def test_three_boxes_make_a_date():
    form = _form(born_day=" 27 ", born_month="03", born_year="1985")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == datetime.date(1985, 3, 27)
    assert form.cleaned_data["due"].month == 2
    assert form.cleaned_data["searched"] is None


@pytest.mark.parametrize(("data", "field", "message", "marked"), [
    ({"due_day": "", "due_month": "", "due_year": ""}, "due", "Enter the due date",
     ("day", "month", "year")),
    ({"born_day": "27", "born_year": "1985"}, "born", "Date of birth must include a month",
     ("month",)),
    ({"born_month": "3"}, "born", "Date of birth must include a day and year",
     ("day", "year")),
    ({"born_day": "31", "born_month": "2", "born_year": "1985"}, "born",
     "Date of birth must be a real date", ("day",)),
    ({"born_day": "1", "born_month": "13", "born_year": "1985"}, "born",
     "Date of birth must be a real date", ("month",)),
    ({"born_day": "x", "born_month": "1", "born_year": "1985"}, "born",
     "Date of birth must be a real date", ("day",)),
    ({"born_day": "1", "born_month": "1", "born_year": "85"}, "born",
     "Year must include 4 numbers", ("year",)),
    ({"born_day": "1", "born_month": "1", "born_year": "2999"}, "born",
     "Date of birth must be today or in the past", ("day", "month", "year")),
    ({"born_day": "1", "born_month": "1", "born_year": "1850"}, "born",
     "Date of birth must be on or after 1 January 1900", ("day", "month", "year")),
    ({"due_year": "2999"}, "due", "Due date must be within 5 years from today",
     ("day", "month", "year")),
    ({"searched_day": "1", "searched_month": "1"}, "searched",
     "Date from must include a year", ("year",)),
])
def test_design_system_messages_and_marked_boxes(data, field, message, marked):
    form = _form(**data)
    assert not form.is_valid()
    assert form.errors[field] == [message]
    assert form.fields[field].widget.error_parts == marked
    html = str(Template('{% include "includes/field.html" with field=f %}').render(
        Context({"f": form[field]})))
    for part in ("day", "month", "year"):
        box = html.split(f'id="id_{field}_{part}"')[0].rsplit("<input", 1)[1]
        assert ("govuk-input--error" in box) == (part in marked), part
    # The error summary links to the first box at fault.
    assert form[field].id_for_label == f"id_{field}_{marked[0]}"


def test_the_template_is_the_govuk_date_input():
    form = Form(initial={"due": datetime.date(2027, 3, 27)})
    html = str(Template('{% include "includes/field.html" with field=f %}').render(
        Context({"f": form["due"]})))
    assert 'class="govuk-fieldset" role="group"' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Due date</legend>' \
        in html
    assert 'id="id_due-hint" class="govuk-hint">For example, 27 3 ' in html
    for part, width, value in (("day", 2, "27"), ("month", 2, "3"), ("year", 4, "2027")):
        assert f'for="id_due_{part}">{part.capitalize()}</label>' in html
        assert (f'govuk-input--width-{width}" id="id_due_{part}" name="due_{part}" type="text" '
                f'inputmode="numeric" value="{value}"') in html
    assert "govuk-form-group--error" not in html


@pytest.mark.parametrize(("time", "expected"), [
    ("10:30am", datetime.time(10, 30)), ("2pm", datetime.time(14, 0)),
    ("14:30", datetime.time(14, 30)), ("12pm", datetime.time(12, 0)),
    ("12am", datetime.time(0, 0)), ("9.15", datetime.time(9, 15)),
    ("9:05 PM", datetime.time(21, 5)),
])
def test_date_and_time(time, expected):
    day = timezone.localdate() + datetime.timedelta(days=30)
    form = MeetingForm(data={"starts_at_day": str(day.day), "starts_at_month": str(day.month),
                             "starts_at_year": str(day.year), "starts_at_time": time})
    assert form.is_valid(), form.errors
    value = form.cleaned_data["starts_at"]
    assert timezone.is_aware(value)
    assert timezone.localtime(value).date() == day and timezone.localtime(value).time() == expected


@pytest.mark.parametrize(("time", "message"), [
    ("", "Date and time of the meeting must include a time"),
    ("25:00", "Date and time of the meeting must be a real time, like 10:30am or 14:30"),
    ("13pm", "Date and time of the meeting must be a real time, like 10:30am or 14:30"),
    ("soon", "Date and time of the meeting must be a real time, like 10:30am or 14:30"),
])
def test_bad_times(time, message):
    day = timezone.localdate() + datetime.timedelta(days=30)
    form = MeetingForm(data={"starts_at_day": str(day.day), "starts_at_month": str(day.month),
                             "starts_at_year": str(day.year), "starts_at_time": time})
    assert not form.is_valid()
    assert form.errors["starts_at"] == [message]
    assert form.fields["starts_at"].widget.error_parts == ("time",)


def test_date_and_time_shown_back_as_typed():
    at = timezone.make_aware(datetime.datetime(2027, 3, 27, 14, 30))
    html = str(Template('{% include "includes/field.html" with field=f %}').render(
        Context({"f": MeetingForm(initial={"starts_at": at})["starts_at"]})))
    assert 'name="starts_at_time" type="text" value="2:30pm"' in html
    assert "govuk-input--width-5" in html


def test_one_way_of_showing_dates():
    london = zoneinfo.ZoneInfo("Europe/London")
    assert format_date(datetime.date(2026, 11, 30)) == "30 November 2026"
    assert format_date(datetime.date(2026, 3, 1)) == "1 March 2026"
    at = datetime.datetime(2026, 11, 30, 14, 5, tzinfo=london)
    assert format_datetime(at) == "30 November 2026, 2:05pm"
    assert format_time(datetime.time(10, 0)) == "10am"
    assert format_time(datetime.time(12, 0)) == "midday"
    assert format_time(datetime.time(0, 0)) == "midnight"
    # An aware UTC time is shown in local time (British Summer Time here).
    summer = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)
    assert format_datetime(summer) == "2 July 2026, 12:30am"
    rendered = Template("{{ d|govuk_date }} | {{ t|govuk_datetime }} | {{ t|govuk_time }} | "
                        "{{ none|govuk_date }}|{{ d }}").render(
        Context({"d": datetime.date(2026, 11, 30), "t": at, "none": None}))
    assert rendered == "30 November 2026 | 30 November 2026, 2:05pm | 2:05pm | |30 November 2026"
