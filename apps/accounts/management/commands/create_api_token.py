"""``manage.py create_api_token USERNAME [--agency NAME] [--name NAME]``: prints the key once."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.services import api_token_create
from apps.agencies.actor import active_memberships

User = get_user_model()


class Command(BaseCommand):
    help = ("Create an API token for one of USERNAME's active memberships and print its key "
            "(shown only this once; only its hash is stored).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--agency", help="The agency the token acts for (its exact name). "
                            "Needed when the user is a member of several agencies.")
        parser.add_argument("--name", default="Command line",
                            help="A name for the token, e.g. the system that will use it.")

    def handle(self, *args: object, username: str, agency: str | None, name: str,
               **options: object) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        memberships = active_memberships(user=user)
        if not memberships:
            raise CommandError(f"{username} has no active agency membership.")
        if agency is not None:
            memberships = [m for m in memberships if m.agency.name.lower() == agency.lower()]
            if not memberships:
                raise CommandError(f"{username} is not an active member of {agency!r}.")
        elif len(memberships) > 1:
            names = ", ".join(sorted(m.agency.name for m in memberships))
            raise CommandError(f"{username} is a member of several agencies ({names}); "
                               "choose one with --agency.")
        name = name.strip()
        if not name or len(name) > 100:
            raise CommandError("--name must be 1 to 100 characters.")
        membership = memberships[0]
        token, key = api_token_create(membership=membership, name=name)
        self.stderr.write(f"Token {token.name!r} ({token.prefix}…) acts for "
                          f"{membership.agency.name}. Keep the key secret: it is not shown again.")
        self.stdout.write(key)
