from django.core.management.base import BaseCommand

from apps.core.demo import loader


class Command(BaseCommand):
    help = ("Print the demo logins, the demo password and the address to open (make run prints "
            "them once the servers are up; run this to see them again).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="", help="The address to show (default: "
                                                      "WRAPAROUND_SITE_URL).")

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(loader.logins_text(url=str(options.get("url") or "")))
