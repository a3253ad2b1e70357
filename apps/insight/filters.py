"""The filters every report takes: period, the other agency, receiving sector, team, area.

The form serves the pages (GET, errors in a GOV.UK error summary) and the API (the same form
validates query parameters, so both refuse bad input the same way with a 400)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apps.agencies.actor import Actor
from apps.agencies.models import Agency, AgencyKind, Membership, Service, Team
from apps.core.date_input import DateInputField
from apps.core.forms import Form
from apps.insight.scope import OWN, report_scopes

MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True)
class Filters:
    start: datetime.date
    end: datetime.date  # inclusive
    agency_id: uuid.UUID | None = None
    to_kind: str = ""
    team_id: uuid.UUID | None = None
    area: str = ""

    @property
    def start_at(self) -> datetime.datetime:
        return _midnight(self.start)

    @property
    def end_before(self) -> datetime.datetime:
        return _midnight(self.end + datetime.timedelta(days=1))

    def referrals_q(self) -> Q:
        """The referrals these filters keep (by first submission, in the period)."""
        q = Q(first_submitted_at__gte=self.start_at, first_submitted_at__lt=self.end_before)
        if self.agency_id:
            q &= Q(from_agency_id=self.agency_id) | Q(to_agency_id=self.agency_id)
        if self.to_kind:
            q &= Q(to_agency__kind=self.to_kind)
        if self.team_id:
            # Made by a member of the team, acting for the team's agency (their current
            # membership of the referring agency is in the team).
            q &= Q(Exists(Membership.objects.filter(
                user_id=OuterRef("from_user_id"), agency_id=OuterRef("from_agency_id"),
                ended_at__isnull=True, team_id=self.team_id)))
        if self.area:
            q &= Q(to_service__area=self.area)
        return q

    def summary_q(self, *, from_field: str = "from_agency", to_field: str = "to_agency",
                  referrals: bool = True) -> Q:
        """The same filters over a summary table (``apps/insight/models.py``), whose rows are
        months. ``referrals=False``: a MARAC or action row (only the period and the agency
        apply, as in the live counts)."""
        q = Q(month__gte=self.start, month__lte=self.end)
        if not referrals:
            return q & Q(**{f"{from_field}_id": self.agency_id}) if self.agency_id else q
        if self.agency_id:
            q &= Q(**{f"{from_field}_id": self.agency_id}) | Q(**{f"{to_field}_id":
                                                                   self.agency_id})
        if self.to_kind:
            q &= Q(**{f"{to_field}__kind": self.to_kind})
        if self.team_id:
            q &= Q(from_team_id=self.team_id)
        if self.area:
            q &= Q(area=self.area)
        return q


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def month_span(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """From the first day of ``start``'s month to the last day of ``end``'s month."""
    following = (datetime.date(end.year + 1, 1, 1) if end.month == 12
                 else datetime.date(end.year, end.month + 1, 1))
    return start.replace(day=1), following - datetime.timedelta(days=1)


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last twelve months: from the first day of the month eleven months ago, to today."""
    today = today or timezone.localdate()
    month = today.month - 11
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return datetime.date(year, month, 1), today


class ReportFilterForm(Form):
    scope = forms.ChoiceField(label="Whose figures", required=False)
    date_from = DateInputField(kind="event", name="Start date", label="From", required=False)
    date_to = DateInputField(kind="event", name="End date", label="To", required=False)
    agency = forms.ModelChoiceField(
        label="Other agency", required=False, queryset=Agency.objects.none(),
        empty_label="Any agency",
        error_messages={"invalid_choice": "Select an agency from the list."})
    to_kind = forms.ChoiceField(label="Receiving sector", required=False,
                                choices=[("", "Any sector"), *AgencyKind.choices])
    team = forms.ModelChoiceField(label="Referring team", required=False,
                                  queryset=Team.objects.none(), empty_label="Any team",
                                  error_messages={"invalid_choice": "Select a team from the list."})
    area = forms.ChoiceField(label="Area", required=False)

    def __init__(self, *args: object, actor: Actor, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_from"].help_text = (f"{self.fields['date_from'].help_text}. Figures "
                                              "count whole months, from the first of this one.")
        self.fields["date_to"].help_text = (f"{self.fields['date_to'].help_text}. Up to the end "
                                            "of this month.")
        self.fields["scope"].choices = report_scopes(actor=actor)
        self.fields["scope"].error_messages["invalid_choice"] = (
            "Select your agency or a partnership you report on.")
        self.fields["agency"].queryset = Agency.objects.filter(active=True).order_by("name")
        self.fields["team"].queryset = Team.objects.filter(agency_id=actor.agency_id)
        areas = (Service.objects.exclude(area="").order_by("area")
                 .values_list("area", flat=True).distinct())
        self.fields["area"].choices = [("", "Any area"), *((a, a) for a in areas)]
        self.fields["area"].error_messages["invalid_choice"] = "Select an area from the list."

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = default_period()
        start = cleaned.get("date_from") or start
        end = cleaned.get("date_to") or end
        if "date_from" in self.errors or "date_to" in self.errors:
            return cleaned
        if start > end:
            self.add_error("date_to", "The end date must be the same as or after the start "
                                      "date.")
        elif (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("date_from", "Choose a period of 3 years or less.")
        cleaned["period"] = (start, end)
        return cleaned

    def filters(self) -> Filters:
        """The filters, the period widened to whole months (the summary counts months)."""
        data = self.cleaned_data
        start, end = month_span(*data["period"])
        return Filters(start=start, end=end,
                       agency_id=data["agency"].pk if data.get("agency") else None,
                       to_kind=data.get("to_kind") or "",
                       team_id=data["team"].pk if data.get("team") else None,
                       area=data.get("area") or "")

    def scope_key(self) -> str:
        return self.cleaned_data.get("scope") or OWN


