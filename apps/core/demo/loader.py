"""Loads the Northbridge demo through the services, so access and audit are real."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from apps.agencies.actor import Actor
from apps.agencies.models import Agency, Membership, Role
from apps.agencies.services import agency_create, membership_add
from apps.cases.models import Case, CaseNote
from apps.cases.services import (
    case_note_add,
    case_open,
    case_person_add,
    involvement_add,
    involvement_end,
)
from apps.core.demo import data
from apps.people.models import Person
from apps.people.services import person_create, relationship_add

User = get_user_model()
DEFAULT_PASSWORD = "northbridge-demo-2026"
LEAD_MANAGERS = {
    "Northbridge Police": "sgt.khan", "Children's Services": "mgr.childrens",
    "Adult Social Care": "mgr.adultcare", "Housing Options": "mgr.housing",
    "Northbridge NHS Foundation Trust": "mgr.nhs", "Probation": "mgr.probation",
    "Safe Haven": "mgr.safehaven", "Bridgeway Recovery CIC": "mgr.bridgeway",
}


def demo_password() -> str:
    return os.environ.get("WRAPAROUND_DEMO_PASSWORD", DEFAULT_PASSWORD)


def is_loaded() -> bool:
    return Agency.objects.filter(name=data.AGENCIES[0][0]).exists()


class _Actors:
    """Actors by ``username`` or ``username@Agency name`` (for people with several agencies)."""

    def __init__(self) -> None:
        self._cache: dict[str, Actor] = {}

    def __call__(self, key: str) -> Actor:
        if key not in self._cache:
            username, _, agency = key.partition("@")
            memberships = Membership.objects.active().select_related("agency", "user").filter(
                user__username=username)
            if agency:
                memberships = memberships.filter(agency__name=agency)
            membership = memberships.order_by("created_at").first()
            self._cache[key] = Actor(user=membership.user, membership=membership)
        return self._cache[key]


def load(*, say: Callable[[str], None] = print, extensions: bool = True) -> bool:
    """Load the demo once. Returns False when it was already there.

    ``extensions=False`` loads only the core tables in ``data`` (tests that pin down exactly
    who sees what use it, so later capabilities adding to the demo do not move them)."""
    if is_loaded():
        return False
    with transaction.atomic():
        agencies = {
            name: agency_create(name=name, kind=kind, sector=sector, **ids)
            for name, kind, sector, ids in data.AGENCIES
        }
        password = demo_password()
        hashed = make_password(password)  # hash once: one password for every demo user
        for username, first, last, agency, role in data.USERS:
            user = User.objects.create(username=username, first_name=first, last_name=last,
                                       password=hashed, email=f"{username}@northbridge.example")
            membership_add(actor=None, user=user, agency=agencies[agency], role=role)
        for username, agency, role in data.EXTRA_MEMBERSHIPS:
            membership_add(actor=None, user=User.objects.get(username=username),
                           agency=agencies[agency], role=role)
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser(username="admin", password=password,
                                          email="admin@northbridge.example")
        people, cases = _load_cases(agencies=agencies)
        if extensions:
            _load_extensions(DemoContext(agencies=agencies, people=people, cases=cases,
                                         actor=_Actors()))
    say(f"Loaded the Northbridge demo: {len(data.AGENCIES)} agencies, {len(data.USERS)} staff, "
        f"{len(data.PEOPLE)} people, {len(data.CASES)} cases.")
    return True


@dataclass
class DemoContext:
    """What later capabilities need to add their part of the demo."""

    agencies: dict[str, Agency]
    people: dict[str, Person]
    cases: dict[str, Case]
    actor: Callable[[str], Actor]


def _load_extensions(context: DemoContext) -> None:
    """Each app may add to the demo with ``apps/<app>/demo.py`` defining
    ``load_demo(context: DemoContext) -> None``; they run in INSTALLED_APPS order."""
    for config in django_apps.get_app_configs():
        if not config.name.startswith("apps.") or config.name == "apps.core":
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        module.load_demo(context)


def _load_cases(*, agencies: dict[str, Agency]) -> tuple[dict[str, Person], dict[str, Case]]:
    import_module("apps.consent.demo").demo_agreements(agencies=agencies)  # DSAs first
    actor = _Actors()
    people = {}
    for key, given, family, dob, gender, (line, town, postcode), restricted, prefs in data.PEOPLE:
        creator = _subject_creator(key)
        people[key] = person_create(actor=actor(creator), data={
            "given_name": given, "family_name": family,
            "date_of_birth": datetime.date.fromisoformat(dob), "gender": gender,
            "address_line_1": line, "town": town, "postcode": postcode,
            "address_restricted": restricted, **prefs,
        })
    for person, kind, other in data.RELATIONSHIPS:
        relationship_add(person=people[person], other=people[other], kind=kind)
    now = timezone.now()
    cases: dict[str, Case] = {}
    for (key, subject, lead, risk, status, restricted, days_ago, summary, partners, linked,
         notes) in data.CASES:
        lead_actor = actor(lead)
        case = case_open(actor=lead_actor, subject=people[subject], summary=summary,
                         risk_level=risk, restricted=restricted)
        manager = actor(LEAD_MANAGERS[lead_actor.agency.name])
        for person, role in linked:
            case_person_add(actor=lead_actor, case=case, person=people[person], role=role)
        for agency_name, basis, key_worker, ended in partners:
            worker = User.objects.get(username=key_worker) if key_worker else None
            involvement = involvement_add(actor=manager, case=case,
                                          agency=agencies[agency_name], basis=basis,
                                          key_worker=worker)
            if ended:
                involvement_end(actor=manager, involvement=involvement,
                                reason="Support completed; no further role.")
        for author, kind, visibility, text in notes:
            case_note_add(actor=actor(author), case=case, text=text, kind=kind,
                          visibility=visibility)
        if status != case.status:
            from apps.cases.services import case_update

            case_update(actor=manager, case=case, status=status, risk_level=risk,
                        summary=summary)
        _backdate(case=case, opened=now - datetime.timedelta(days=days_ago), now=now)
        cases[key] = case
    return people, cases


def _subject_creator(key: str) -> str:
    for case in data.CASES:
        if case[1] == key:
            return case[2]
        if any(person == key for person, _role in case[9]):
            return case[2]
    return "pc.jones"


def _backdate(*, case: Case, opened: datetime.datetime, now: datetime.datetime) -> None:
    """Spread the chronology between the opening date and a little before now."""
    notes = list(CaseNote.objects.filter(case=case).order_by("created_at", "id"))
    span = (now - opened) * 0.9
    for index, note in enumerate(notes):
        at = opened + span * (index / max(1, len(notes) - 1))
        CaseNote.objects.filter(pk=note.pk).update(created_at=at)
    last = opened + span if notes else opened
    Case.objects.filter(pk=case.pk).update(created_at=opened, last_activity_at=last)


def logins() -> list[tuple[str, str, str]]:
    rows = (Membership.objects.active().filter(user__username__in=[u[0] for u in data.USERS])
            .select_related("user", "agency").order_by("agency__name", "role",
                                                       "user__username"))
    result = [(m.user.username, m.agency.name, Role(m.role).label) for m in rows]
    return [*result, ("admin", "(Django admin)", "Superuser")]


def logins_text(*, url: str = "") -> str:
    """The demo logins, the one password and the address to open, as printed by ``make run``
    (last, once the servers are up) and ``manage.py demo_logins``."""
    from django.conf import settings

    rows = logins()
    if len(rows) == 1:  # only the superuser: the demo is not loaded
        return "\nThe Northbridge demo is not loaded: run `make demo` (manage.py load_demo).\n"
    lines = ["", "Demo logins (all share one password):"]
    lines += [f"  {username:<20} {role:<18} {agency}" for username, agency, role in rows]
    lines += ["", f"  Password: {demo_password()}",
              f"  Open:     {(url or settings.SITE_URL).rstrip('/')}/", ""]
    return "\n".join(lines)
