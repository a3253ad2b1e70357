"""Emergency access does not reveal whether a case reference exists, and every attempt is
audited; key worker and sharing-policy changes are audited like every other change."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apps.agencies.models import Role
from apps.audit.models import AccessEvent
from apps.consent.models import EmergencyAccess
from tests.conftest import api_client_for, client_for
from tests.factories import make_member

pytestmark = pytest.mark.django_db

URL = "/api/v1/emergency-accesses/"
REASON = "Tenant found injured at the property; need the risks now."


def _page(response, reference: str) -> str:
    """The page without what differs per request (CSRF tokens) or was typed (the reference)."""
    text = response.content.decode().replace(reference, "REF")
    return re.sub(r'(csrfmiddlewaretoken" value|name="csrf-token" content)="[^"]*"', "", text)


def _refused(**filters):
    return AccessEvent.objects.filter(action="emergency_refused", **filters)


def test_api_refuses_an_unknown_and_a_forbidden_reference_identically(world, shared_case):
    auditor = api_client_for(make_member(agency=world.outsider, role=Role.AUDITOR))
    unknown = auditor.post(URL, {"case_reference": "NB-999999", "reason": REASON},
                           format="json")
    real = auditor.post(URL, {"case_reference": shared_case.reference, "reason": REASON},
                        format="json")
    assert (unknown.status_code, unknown.json()) == (real.status_code, real.json())
    assert real.status_code == 403
    assert not EmergencyAccess.objects.exists()
    # Both attempts are audited; the unknown one names only the reference tried.
    assert _refused(case_id=shared_case.pk, channel="api").count() == 1
    row = _refused(case_id__isnull=True).get()
    assert row.basis == "Refused emergency access to case reference NB-999999"


def test_input_is_validated_before_the_reference_is_looked_up(world, shared_case):
    client = api_client_for(world.outsider_practitioner)
    for body in ({"case_reference": "NB-999999"}, {"case_reference": "NB-999999",
                                                   "reason": "short"}):
        unknown = client.post(URL, body, format="json")
        real = client.post(URL, {**body, "case_reference": shared_case.reference},
                           format="json")
        assert unknown.status_code == real.status_code == 400
        assert unknown.json() == real.json() and set(real.json()) == {"reason"}
    assert not EmergencyAccess.objects.exists()


def test_api_unknown_reference_is_refused_and_audited(world, shared_case):
    client = api_client_for(world.outsider_practitioner)
    response = client.post(URL, {"case_reference": "nb-424242 ", "reason": REASON},
                           format="json")
    assert response.status_code == 400
    assert response.json() == {
        "case_reference": ["No case you can open in an emergency has that reference."]}
    row = _refused().get()
    assert (row.user_id, row.agency_id, row.case_id, row.channel) == (
        world.outsider_practitioner.user_id, world.outsider.pk, None, "api")
    assert "NB-424242" in row.basis
    # Free text that is not a reference is not copied into the log.
    client.post(URL, {"case_reference": "Jane Doe", "reason": REASON}, format="json")
    assert _refused().filter(basis__contains="not a case reference").count() == 1
    assert not _refused().filter(basis__icontains="jane").exists()
    # A granted access is audited as before.
    assert client.post(URL, {"case_reference": shared_case.reference, "reason": REASON},
                       format="json").status_code == 201
    assert AccessEvent.objects.filter(action="emergency_access",
                                      case_id=shared_case.pk).count() == 1


def test_ui_form_answers_alike_and_audits(world, shared_case):
    auditor = client_for(make_member(agency=world.outsider, role=Role.AUDITOR))
    url = reverse("consent:emergency-access")
    unknown = auditor.post(url, {"case_reference": "NB-999999", "reason": REASON})
    real = auditor.post(url, {"case_reference": shared_case.reference, "reason": REASON})
    assert unknown.status_code == real.status_code == 400
    assert (_page(unknown, "NB-999999") == _page(real, shared_case.reference))
    assert _refused(channel="ui").count() == 2
    practitioner = client_for(world.outsider_practitioner)
    short_unknown = practitioner.post(url, {"case_reference": "NB-999999", "reason": "x"})
    short_real = practitioner.post(url, {"case_reference": shared_case.reference,
                                         "reason": "x"})
    assert short_unknown.status_code == short_real.status_code == 400
    assert b"Explain the emergency" in short_unknown.content
    assert b"Explain the emergency" in short_real.content
    assert b"that reference" not in short_unknown.content
    assert not EmergencyAccess.objects.exists()


def test_setting_a_key_worker_is_audited(world, shared_case):
    involvement = shared_case.involvements.get(agency=world.partner)
    response = client_for(world.partner_manager).post(
        reverse("cases:key-worker", args=[shared_case.pk, involvement.pk]),
        {"key_worker": world.partner_practitioner.user.pk})
    assert response.status_code == 302
    row = AccessEvent.objects.get(action="set_key_worker")
    assert (row.object_id, row.case_id, row.user_id, row.agency_id) == (
        involvement.pk, shared_case.pk, world.partner_manager.user_id, world.partner.pk)


def test_changing_the_sharing_policy_is_audited(world):
    client = client_for(world.lead_admin)
    url = reverse("consent:policy")
    assert client.post(url, {"without_consent_needs_approval": "on"}).status_code == 302
    assert client.post(url, {}).status_code == 302
    rows = list(AccessEvent.objects.filter(object_type="sharing_policy").order_by("id"))
    assert [(r.action, r.object_id, r.agency_id, r.basis) for r in rows] == [
        ("change", world.lead.pk, world.lead.pk, "without consent needs approval"),
        ("change", world.lead.pk, world.lead.pk, "without consent needs no approval")]
    # Refused for a practitioner: nothing written.
    client_for(world.lead_practitioner).post(url, {"without_consent_needs_approval": "on"})
    assert AccessEvent.objects.filter(object_type="sharing_policy").count() == 2
