"""Read another Open Referral UK feed into an agency's import queue, for its admin to review.

    python manage.py oruk_import --agency "Safe Haven" --url http://10.0.0.5/oruk
    python manage.py oruk_import --agency "Safe Haven" --file services.json

Nothing goes live here: the agency admin applies or rejects each service at /services/import/.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.agencies.models import Agency
from apps.interop.oruk import importer
from apps.interop.oruk.import_services import oruk_stage


class Command(BaseCommand):
    help = "Stage the services of an Open Referral UK feed (file or URL) for review."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--agency", required=True, help="The agency's exact name.")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--url", help="The ORUK API's address (its /services is read).")
        source.add_argument("--file", help="A JSON file: a services page, list or service.")

    def handle(self, *args, **options) -> None:
        try:
            agency = Agency.objects.get(name=options["agency"], active=True)
        except Agency.DoesNotExist as exc:
            raise CommandError(f"No active agency named {options['agency']!r}.") from exc
        try:
            if options["url"]:
                source, feed = options["url"], importer.fetch(options["url"])
            else:
                path = Path(options["file"])
                if not path.is_file():
                    raise CommandError(f"No file at {path}.")
                source, feed = path.name, importer.parse(path.read_bytes())
        except importer.FeedError as error:
            raise CommandError(str(error)) from error
        result = oruk_stage(actor=None, agency=agency, source=source, feed=feed)
        for problem in result.problems:
            self.stderr.write(f"Skipped: {problem}")
        self.stdout.write(
            f"{result.new} new, {result.updated} changed ({result.local_edits} changed here "
            f"since the last import), {result.unchanged} unchanged. Review them at "
            "/services/import/ (signed in as an agency admin of the agency).")
