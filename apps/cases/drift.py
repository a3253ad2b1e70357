"""Compare every case's guardian rows with its domain facts (and optionally repair them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from apps.cases.models import Case
from apps.cases.permissions import case_permissions_sync


@dataclass
class DriftReport:
    cases_checked: int = 0
    cases_drifted: int = 0
    rows_missing: int = 0
    rows_stray: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return self.cases_drifted == 0

    def summary(self) -> str:
        return (f"{self.cases_checked} cases checked; {self.cases_drifted} with drift "
                f"({self.rows_missing} grants missing, {self.rows_stray} stray grants)")


def permissions_drift(*, fix: bool = False, batch_size: int = 500,
                      max_examples: int = 20) -> DriftReport:
    """Recompute grants for every case. References only in examples: no personal data."""
    report = DriftReport()
    cases = Case.objects.only("pk", "reference", "restricted").order_by("pk")
    for case in cases.iterator(chunk_size=batch_size):
        report.cases_checked += 1
        if fix:
            with transaction.atomic():
                drift = case_permissions_sync(case=case, apply=True)
        else:
            drift = case_permissions_sync(case=case, apply=False)
        if drift:
            report.cases_drifted += 1
            report.rows_missing += len(drift.added)
            report.rows_stray += len(drift.removed)
            if len(report.examples) < max_examples:
                report.examples.append(
                    f"{case.reference}: {len(drift.added)} missing, {len(drift.removed)} stray")
    return report
