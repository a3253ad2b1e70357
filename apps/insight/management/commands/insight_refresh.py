"""Recompute the reports' figures now (docs/insight.md), instead of waiting for the night."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from apps.insight.summary import summary_refresh


class Command(BaseCommand):
    help = "Recompute the summary that the report pages and /api/v1/reports/ read."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--queue", action="store_true",
                            help="send the refresh to the Celery worker instead of running it "
                                 "here")

    def handle(self, *args, queue: bool = False, **options) -> None:
        if queue:
            from apps.insight.tasks import summary_refresh as task

            task.delay()
            self.stdout.write("Sent the refresh to the worker.")
            return
        refresh = summary_refresh()
        self.stdout.write(
            f"Figures as of {refresh.computed_at:%Y-%m-%d %H:%M:%S %Z}: "
            f"{refresh.referral_rows:,} referral rows, {refresh.duration_rows:,} duration rows, "
            f"{refresh.outcome_rows:,} outcome rows in {refresh.seconds:.1f} s.")
