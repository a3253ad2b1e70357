from django.core.management.base import BaseCommand, CommandError

from apps.cases.drift import permissions_drift


class Command(BaseCommand):
    help = ("Recompute every case's permission grants from its involvements and report drift. "
            "Exits non-zero on drift unless --fix repairs it.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--fix", action="store_true", help="Repair the grants that differ.")

    def handle(self, *args: object, fix: bool = False, **options: object) -> None:
        report = permissions_drift(fix=fix)
        for example in report.examples:
            self.stdout.write(f"  {example}")
        self.stdout.write(report.summary())
        if not report.clean:
            if fix:
                self.stdout.write(self.style.SUCCESS("Repaired."))
            else:
                raise CommandError("Permission drift found: run with --fix to repair.")
