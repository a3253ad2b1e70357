"""What every report is made of: tables of figures, each optionally drawn as a chart.

One shape serves the page (a GOV.UK table beside its chart), the CSV download and the API, so
the three always show the same figures, suppressed in the same way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SUPPRESSED = "suppressed"
SMALL = 5  # counts under this are never shown (docs/insight.md)


@dataclass(frozen=True)
class Chart:
    """How a table is drawn: which columns are plotted (by index) against the first."""

    series: tuple[int, ...]
    unit: str = ""  # "%" or "hours" or ""
    horizontal: bool = True
    weight: int | None = None  # the column that picks the rows drawn in a long table


@dataclass
class Table:
    key: str
    title: str
    description: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    chart: Chart | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "description": self.description,
                "columns": self.columns, "rows": self.rows, "note": self.note}


def rate(numerator: int | None, denominator: int | None) -> float | None:
    """A percentage to one decimal place, or None when there is nothing to divide by."""
    if not denominator or numerator is None:
        return None
    return round(100.0 * numerator / denominator, 1)


def hours(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
