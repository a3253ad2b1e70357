"""Auditors are read-only everywhere: the rule lives in the services (one helper,
``apps.agencies.actor.actor_require_writer``), so the UI and the API both inherit it."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from apps.agencies.models import Role
from apps.audit.models import AccessEvent
from apps.cases.models import Case, CaseNote
from apps.people.models import Person
from tests.conftest import api_client_for, client_for
from tests.factories import PersonFactory, make_member
from tests.people.test_views import person_form_data

pytestmark = pytest.mark.django_db

PERSON = {"given_name": "Ada", "family_name": "Quist", "date_of_birth": "1980-02-03",
          "confirm_new": True}


@pytest.fixture
def auditor(world):
    return make_member(agency=world.lead, role=Role.AUDITOR)


def _counts():
    return (Person.objects.count(), Case.objects.count(), CaseNote.objects.count(),
            AccessEvent.objects.filter(action="create").count())


def test_auditor_cannot_create_a_person_or_open_a_case_over_the_api(world, shared_case,
                                                                    auditor):
    person = PersonFactory(created_by_agency=world.lead)
    client = api_client_for(auditor)
    before = _counts()
    response = client.post("/api/v1/people/", PERSON, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Auditors can read records but cannot change them."}
    response = client.post("/api/v1/cases/", {"subject": str(person.pk), "summary": "x"},
                           format="json")
    assert response.status_code == 403
    response = client.post(f"/api/v1/cases/{shared_case.pk}/notes/", {"text": "A note."},
                           format="json")
    assert response.status_code == 403
    assert _counts() == before
    # The same requests by a practitioner of the same agency are accepted.
    practitioner = api_client_for(world.lead_practitioner)
    assert practitioner.post("/api/v1/people/", PERSON, format="json").status_code == 201


def test_auditor_cannot_create_a_person_or_open_a_case_in_the_ui(world, shared_case, auditor):
    client = client_for(auditor)
    before = _counts()
    response = client.post("/people/new/", person_form_data(confirm_new="1"))
    assert response.status_code == 400
    assert b"Auditors can read records but cannot change them." in response.content
    response = client.post(f"/people/{shared_case.subject_id}/open-case/",
                           {"summary": "Again.", "risk_level": "standard"})
    assert response.status_code == 400
    assert b"Auditors can read records but cannot change them." in response.content
    assert _counts() == before


# Services that take an actor but change no case data (reads, checks, internal helpers).
NOT_WRITES = {
    "apps.referrals.services": {"allowed_actions", "referral_open"},
    "apps.consent.services": {"sharing_check", "emergency_access_request"},
}
MODULES = ["apps.people.services", "apps.cases.services", "apps.referrals.services",
           "apps.marac.services", "apps.action_plans.services", "apps.consent.services",
           "apps.people.identity_services", "apps.webhooks.services"]


@pytest.mark.parametrize("module_name", MODULES)
def test_every_write_service_refuses_auditors_first(module_name):
    """Each public service with an ``actor`` calls ``actor_require_writer`` as its first
    statement (after the docstring), so no write can forget the rule."""
    import importlib

    module = importlib.import_module(module_name)
    tree = ast.parse(Path(inspect.getfile(module)).read_text())
    missing = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        if "actor" not in {a.arg for a in node.args.kwonlyargs}:
            continue
        if node.name in NOT_WRITES.get(module_name, set()):
            continue
        body = node.body[1:] if isinstance(node.body[0], ast.Expr) and isinstance(
            node.body[0].value, ast.Constant) else node.body
        first = ast.unparse(body[0]) if body else ""
        if first != "actor_require_writer(actor=actor)":
            missing.append(node.name)
    assert not missing, f"write services without the auditor rule: {missing}"


def test_the_helper_refuses_auditors_only(world, auditor):
    from apps.agencies.actor import actor_require_writer
    from apps.core.exceptions import NotPermitted
    from tests.factories import actor_of

    with pytest.raises(NotPermitted, match="Auditors"):
        actor_require_writer(actor=actor_of(auditor))
    for membership in (world.lead_practitioner, world.lead_manager, world.lead_admin):
        actor_require_writer(actor=actor_of(membership))
    actor_require_writer(actor=None)


def test_an_auditor_reading_a_new_referral_leaves_it_new(world):
    from apps.referrals.services import referral_open
    from tests.factories import actor_of
    from tests.referrals.helpers import make_referral

    referral = make_referral(world=world)
    auditor = make_member(agency=world.partner, role=Role.AUDITOR)
    referral_open(actor=actor_of(auditor), referral=referral)
    referral.refresh_from_db()
    assert referral.seen_at is None
    assert AccessEvent.objects.filter(object_id=referral.pk, action="view",
                                      user=auditor.user).exists()
    referral_open(actor=actor_of(world.partner_practitioner), referral=referral)
    referral.refresh_from_db()
    assert referral.seen_at is not None
