"""The emergency override reaches users and integrators: the referral form and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.audit.models import AccessEvent
from apps.referrals.models import Referral
from apps.referrals.services import referral_create
from tests.conftest import api_client_for, client_for
from tests.consent.helpers import stranger_agency
from tests.factories import actor_of, make_case
from tests.referrals.helpers import LAWFUL, make_service

pytestmark = pytest.mark.django_db
REASON = "Imminent risk to life tonight; no agreement with this refuge yet."


def _draft(world):
    agency, _manager, _admin = stranger_agency()
    return referral_create(actor=actor_of(world.lead_practitioner),
                           case=make_case(lead=world.lead_practitioner),
                           to_service=make_service(agency=agency), reason="Refuge space",
                           shared_information="Needs a refuge place.", basis=LAWFUL)


def test_api_submit_is_refused_without_an_agreement_and_allowed_with_an_override(world):
    referral = _draft(world)
    api = api_client_for(world.lead_practitioner)
    url = f"/api/v1/referrals/{referral.pk}/submit/"
    refused = api.post(url, {}, format="json")
    assert refused.status_code == 400 and "agreement" in str(refused.json()).lower()
    assert Referral.objects.get(pk=referral.pk).status == "draft"
    sent = api.post(url, {"override_reason": REASON}, format="json")
    assert sent.status_code == 200 and sent.json()["status"] == "submitted"
    assert AccessEvent.objects.filter(action="override", case_id=referral.case_id).exists()


def test_referral_form_sends_with_an_override_reason(world):
    referral = _draft(world)
    client = client_for(world.lead_practitioner)
    form = {"to_service": referral.to_service_id, "reason": "Refuge space",
            "urgency": "emergency", "shared_information": "Needs a refuge place.",
            "person_told": "no", "not_told_reason": LAWFUL["not_told_reason"],
            "sharing_kind": "lawful_basis", "lawful_basis": LAWFUL["lawful_basis"],
            "justification": LAWFUL["justification"], "action": "submit"}
    url = reverse("referrals:edit", args=[referral.pk])
    refused = client.post(url, form)
    assert refused.status_code == 400 and "There is a problem" in refused.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == "draft"
    sent = client.post(url, {**form, "override_reason": REASON})
    assert sent.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == "submitted"


def test_involving_an_agency_without_an_agreement_needs_the_override(world):
    agency, _manager, _admin = stranger_agency()
    case = make_case(lead=world.lead_practitioner)
    client = client_for(world.lead_manager)
    url = reverse("cases:involvement-add", args=[case.pk])
    refused = client.post(url, {"agency": agency.pk, "basis": "Refuge place needed."})
    assert refused.status_code == 400 and "There is a problem" in refused.content.decode()
    assert not case.involvements.filter(agency=agency).exists()
    done = client.post(url, {"agency": agency.pk, "basis": "Refuge place needed.",
                             "override_reason": REASON})
    assert done.status_code == 302
    assert case.involvements.filter(agency=agency, ended_at__isnull=True).exists()


def test_api_involvement_override(world):
    agency, _manager, _admin = stranger_agency()
    case = make_case(lead=world.lead_practitioner)
    api = api_client_for(world.lead_manager)
    url = f"/api/v1/cases/{case.pk}/involvements/"
    body = {"agency": str(agency.pk), "basis": "Refuge place needed."}
    assert api.post(url, body, format="json").status_code == 400
    assert api.post(url, {**body, "override_reason": REASON},
                    format="json").status_code == 201


def test_agency_admin_sets_the_sharing_policy_and_others_cannot(world):
    from apps.consent.models import SharingPolicy

    url = reverse("consent:policy")
    assert client_for(world.lead_practitioner).post(
        url, {"without_consent_needs_approval": "on"}).status_code == 404
    assert not SharingPolicy.objects.filter(agency=world.lead).exists()
    assert client_for(world.lead_admin).post(
        url, {"without_consent_needs_approval": "on"}).status_code == 302
    assert SharingPolicy.objects.get(agency=world.lead).without_consent_needs_approval
    page = client_for(world.lead_admin).get(reverse("consent:home")).content.decode()
    assert "sharing policy" in page
    client_for(world.lead_admin).post(url, {})
    assert not SharingPolicy.objects.get(agency=world.lead).without_consent_needs_approval


def test_involvement_form_and_api_record_a_structured_sharing_basis(world):
    from apps.consent.models import BasisKind

    case = make_case(lead=world.lead_practitioner)
    response = client_for(world.lead_manager).post(
        reverse("cases:involvement-add", args=[case.pk]),
        {"agency": world.partner.pk, "basis": "IDVA support.", "person_told": "no",
         "not_told_reason": "Telling her would alert the perpetrator.",
         "sharing_kind": "lawful_basis", "lawful_basis": "safeguarding_adult",
         "justification": "High risk of serious harm."})
    assert response.status_code == 302
    involvement = case.involvements.get(agency=world.partner)
    assert involvement.sharing_basis.kind == BasisKind.LAWFUL_BASIS
    assert involvement.sharing_basis.person_told is False

    other = make_case(lead=world.lead_practitioner)
    api = api_client_for(world.lead_manager)
    bad = api.post(f"/api/v1/cases/{other.pk}/involvements/",
                   {"agency": str(world.partner.pk), "basis": "IDVA support.",
                    "sharing_kind": "lawful_basis"}, format="json")
    assert bad.status_code == 400
    assert not other.involvements.filter(agency=world.partner).exists()
    ok = api.post(f"/api/v1/cases/{other.pk}/involvements/",
                  {"agency": str(world.partner.pk), "basis": "IDVA support.",
                   "sharing_kind": "consent", "consent_given_by": "person",
                   "consent_given_on": "2026-11-20"}, format="json")
    assert ok.status_code == 201
    assert other.involvements.get(agency=world.partner).sharing_basis.kind == BasisKind.CONSENT
