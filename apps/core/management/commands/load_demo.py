from django.core.management.base import BaseCommand

from apps.core.demo import loader


class Command(BaseCommand):
    help = "Load the fictional Northbridge demo data (once) and print the demo logins."

    def handle(self, *args: object, **options: object) -> None:
        if not loader.load(say=self.stdout.write):
            self.stdout.write("The Northbridge demo is already loaded.")
        self.stdout.write(loader.logins_text())
