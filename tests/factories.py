"""factory_boy factories and helpers that build through the services, so grants are real."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model

from apps.agencies.actor import Actor
from apps.agencies.models import Agency, AgencyKind, Membership, Role, Sector
from apps.agencies.services import agency_create, membership_add
from apps.cases.models import Case
from apps.cases.services import case_open, involvement_add
from apps.people.models import Person

User = get_user_model()
PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.django.Password(PASSWORD)


_agency_counter = iter(range(1, 10**6))


def make_agency(*, name: str | None = None, kind: str = AgencyKind.STATUTORY,
                sector: str = Sector.OTHER) -> Agency:
    return agency_create(name=name or f"Agency {next(_agency_counter)}", kind=kind,
                         sector=sector)


def make_member(*, agency: Agency, role: str = Role.PRACTITIONER,
                username: str | None = None) -> Membership:
    user = UserFactory(username=username) if username else UserFactory()
    return membership_add(actor=None, user=user, agency=agency, role=role)


def actor_of(membership: Membership, *, channel: str = "ui") -> Actor:
    membership = Membership.objects.select_related("agency", "user").get(pk=membership.pk)
    return Actor(user=membership.user, membership=membership, channel=channel)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = factory.LazyFunction(lambda: datetime.date(1990, 5, 17))
    address_line_1 = factory.Faker("street_address")
    town = "Northbridge"
    postcode = "NB1 2AB"


def make_case(*, lead: Membership, restricted: bool = False, **person_fields: object) -> Case:
    actor = actor_of(lead)
    person = PersonFactory(created_by_agency=lead.agency, **person_fields)
    return case_open(actor=actor, subject=person, summary="Concerns raised.",
                     restricted=restricted)


def involve(*, case: Case, manager: Membership, agency: Agency,
            basis: str = "Consent given to share.", key_worker: object = None):
    from apps.consent.services import agreement_covering, dsa_create_active_for_demo

    if agreement_covering(agency_ids=(case.lead_agency_id, agency.pk)) is None:
        dsa_create_active_for_demo(agency_ids=[case.lead_agency_id, agency.pk],
                                   title="Test DSA", user=manager.user)
    return involvement_add(actor=actor_of(manager), case=case, agency=agency, basis=basis,
                           key_worker=key_worker)
