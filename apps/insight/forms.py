from __future__ import annotations

from django import forms

from apps.core.forms import Form
from apps.insight.equality import OUTCOME_CHOICES
from apps.insight.filters import ReportFilterForm
from apps.insight.marac_return import current_quarter, quarter_parse


class EqualityForm(ReportFilterForm):
    outcome = forms.ChoiceField(label="Outcome", required=False, choices=OUTCOME_CHOICES,
                                error_messages={"invalid_choice": "Select an outcome."})

    field_order = ["outcome"]


class MaracReturnForm(Form):
    area = forms.ChoiceField(label="MARAC area", required=False,
                             error_messages={"invalid_choice": "Select an area you "
                                                               "coordinate."})
    quarter = forms.CharField(label="Quarter", required=False, max_length=7,
                              help_text="For example, 2026-Q3 (July to September 2026)")

    def __init__(self, *args: object, areas: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.areas = {str(area.pk): area for area in areas}
        self.fields["area"].choices = [(key, area.name) for key, area in self.areas.items()]

    def clean_quarter(self):
        text = self.cleaned_data.get("quarter")
        if not text:
            return current_quarter()
        quarter = quarter_parse(text)
        if quarter is None:
            raise forms.ValidationError("Enter the quarter as a year and quarter, like "
                                        "2026-Q3.")
        return quarter

    def clean_area(self):
        key = self.cleaned_data.get("area") or next(iter(self.areas))
        return self.areas[key]
