"""Fill in a GOV.UK date input (day, month and year boxes in a fieldset named by its legend)."""

from __future__ import annotations

import datetime

from playwright.sync_api import Page


def fill_date(page: Page, legend: str, value: datetime.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))
