"""FHIR R4 under /api/fhir/: referrals as ServiceRequest, their history as Task, sharing bases
and consent records as Consent; R4B-valid with codes from their value sets; the REST API's
permissions (404 for what the caller may not see) and audit; a POSTed ServiceRequest makes a
draft referral through referral_create."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task
from rest_framework.test import APIClient

from apps.accounts.services import api_token_create
from apps.agencies.models import Role
from apps.audit.models import AccessEvent
from apps.consent.services import consent_withdraw
from apps.interop.fhir import codes
from apps.referrals.models import Referral, ReferralStatus
from apps.referrals.services import (
    referral_accept,
    referral_complete,
    referral_decline,
    referral_request_info,
    referral_withdraw,
)
from tests.factories import actor_of, make_case, make_member
from tests.referrals.helpers import LAWFUL, make_referral, make_service

pytestmark = pytest.mark.django_db
FHIR = "application/fhir+json"


def api(membership) -> APIClient:
    client = APIClient()
    _, key = api_token_create(membership=membership, name="fhir tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def get(client: APIClient, url: str, expected: int = 200) -> dict:
    response = client.get(url, HTTP_ACCEPT=FHIR)
    assert response.status_code == expected, response.content
    assert response["Content-Type"].startswith(FHIR)
    return json.loads(response.content)


def assert_service_request(body: dict) -> ServiceRequest:
    resource = ServiceRequest.model_validate(body)
    assert body["status"] in codes.REQUEST_STATUS
    assert body["intent"] in codes.REQUEST_INTENT
    assert body["priority"] in codes.REQUEST_PRIORITY
    return resource


def assert_task(body: dict) -> Task:
    resource = Task.model_validate(body)
    assert body["status"] in codes.TASK_STATUS and body["intent"] in codes.TASK_INTENT
    assert body["priority"] in codes.REQUEST_PRIORITY
    return resource


def assert_consent(body: dict) -> Consent:
    resource = Consent.model_validate(body)
    assert body["status"] in codes.CONSENT_STATUS
    scope = body["scope"]["coding"][0]
    assert scope["system"] == codes.CONSENT_SCOPE_SYSTEM and scope["code"] in codes.CONSENT_SCOPE
    # ppc-1 (a policy or policyRule) and ppc-2 (privacy scope needs a patient)
    assert body.get("policy") or body.get("policyRule")
    assert body["patient"]["reference"] == "#subject"
    assert body["contained"][0]["resourceType"] == "Patient"
    return resource


def test_service_request_read_is_r4b_valid_with_mapped_codes(world):
    referral = make_referral(world=world)
    response = api(world.lead_practitioner).get(f"/api/fhir/ServiceRequest/{referral.pk}",
                                                HTTP_ACCEPT=FHIR)
    assert "no-store" in response["Cache-Control"]  # personal data: never cached
    body = json.loads(response.content)
    assert_service_request(body)
    assert (body["id"], body["status"], body["priority"]) == (str(referral.pk), "active",
                                                              "urgent")
    assert body["performer"][0]["display"] == "IDVA service"
    assert body["requester"]["display"] == "Northbridge Police"
    assert body["contained"][0]["name"][0]["family"] == referral.case.subject.family_name
    assert body["supportingInfo"][1]["reference"] == f"Consent/{referral.sharing_basis_id}"
    assert body["reasonCode"][0]["text"].startswith("Needs an IDVA")


def _through(world, status: str) -> Referral:
    referral = make_referral(world=world, submit=status != ReferralStatus.DRAFT,
                             service=make_service(agency=world.partner, name=f"IDVA {status}"))
    receiver = actor_of(world.partner_practitioner)
    referrer = actor_of(world.lead_practitioner)
    if status in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED):
        referral = referral_accept(actor=receiver, referral=referral)
    if status == ReferralStatus.COMPLETED:
        referral = referral_complete(actor=receiver, referral=referral, outcome="Safety plan.")
    if status in (ReferralStatus.INFO_REQUESTED,):
        referral = referral_request_info(actor=receiver, referral=referral,
                                         question="Is the partner still at the address?")
    if status == ReferralStatus.DECLINED:
        referral = referral_decline(actor=receiver, referral=referral, category="no_capacity",
                                    reason="Full this month.")
    if status == ReferralStatus.WITHDRAWN:
        referral = referral_withdraw(actor=referrer, referral=referral, reason="Moved away.")
    return referral


@pytest.mark.parametrize("status, expected, task_status", [
    ("draft", "draft", "draft"), ("submitted", "active", "requested"),
    ("info_requested", "on-hold", "on-hold"), ("accepted", "active", "accepted"),
    ("declined", "revoked", "rejected"), ("withdrawn", "revoked", "cancelled"),
    ("completed", "completed", "completed"),
])
def test_every_referral_status_maps_to_a_valid_code(world, status, expected, task_status):
    referral = _through(world, status)
    assert referral.status == status
    client = api(world.lead_practitioner)
    body = get(client, f"/api/fhir/ServiceRequest/{referral.pk}")
    assert_service_request(body)
    assert body["status"] == expected
    task = get(client, f"/api/fhir/Task/{referral.pk}")
    assert_task(task)
    assert task["status"] == task_status
    assert task["focus"]["reference"] == f"ServiceRequest/{referral.pk}"


def test_task_carries_the_decision_history(world):
    referral = _through(world, ReferralStatus.COMPLETED)
    task = get(api(world.partner_practitioner), f"/api/fhir/Task/{referral.pk}")
    assert_task(task)
    steps = [note["text"].split(".")[0] for note in task["note"]]
    assert steps == ["Draft", "Draft \u2192 Submitted", "Submitted \u2192 Accepted",
                     "Accepted \u2192 Completed"]
    assert task["output"][0]["valueString"] == "Safety plan."
    assert task["owner"]["display"] == "Safe Haven"
    declined = _through(world, ReferralStatus.DECLINED)
    body = get(api(world.lead_practitioner), f"/api/fhir/Task/{declined.pk}")
    assert body["statusReason"]["text"] == "No capacity"


def test_task_search_by_focus_is_a_bundle(world):
    referral = make_referral(world=world)
    client = api(world.lead_practitioner)
    bundle = get(client, f"/api/fhir/Task?focus=ServiceRequest/{referral.pk}")
    Bundle.model_validate(bundle)
    assert bundle["total"] == 1 and bundle["entry"][0]["resource"]["id"] == str(referral.pk)
    outsider = get(api(world.outsider_practitioner),
                   f"/api/fhir/Task?focus=ServiceRequest/{referral.pk}")
    assert outsider["total"] == 0 and "entry" not in outsider
    bad = get(client, "/api/fhir/Task?focus=Patient/1", expected=400)
    OperationOutcome.model_validate(bad)


def test_consent_for_a_sharing_basis_and_a_consent_record(world):
    referral = make_referral(world=world)
    for member in (world.lead_practitioner, world.partner_practitioner):
        body = get(api(member), f"/api/fhir/Consent/{referral.sharing_basis_id}")
        assert_consent(body)
        assert body["status"] == "active"
        assert body["policyRule"]["coding"][0]["code"] == "OPTIN"
        assert body["provision"]["actor"][0]["reference"]["display"] == "Safe Haven"
    lawful = make_referral(world=world, service=make_service(agency=world.partner, name="B"))
    from apps.consent.models import SharingBasis

    basis = SharingBasis.objects.get(pk=lawful.sharing_basis_id)
    SharingBasis.objects.filter(pk=basis.pk).update(
        kind="lawful_basis", lawful_basis=LAWFUL["lawful_basis"],
        justification=LAWFUL["justification"])
    body = get(api(world.lead_practitioner), f"/api/fhir/Consent/{basis.pk}")
    assert_consent(body)
    assert body["policyRule"]["text"].startswith("Without consent: safeguarding an adult")


def test_consent_record_as_consent_goes_inactive_when_withdrawn(world, shared_case):
    from apps.consent.services import consent_record

    record = consent_record(actor=actor_of(world.lead_practitioner), person=shared_case.subject,
                            given_by="person", given_on=shared_case.created_at.date(),
                            scope_agencies=[world.partner], method="written",
                            purposes=["support"], scope_agency_kinds=[],
                            review_date=shared_case.created_at.date().replace(year=2030))
    client = api(world.lead_practitioner)
    body = get(client, f"/api/fhir/Consent/{record.pk}")
    assert_consent(body)
    assert body["status"] == "active"
    assert body["provision"]["actor"][0]["reference"]["display"] == "Safe Haven"
    consent_withdraw(actor=actor_of(world.lead_practitioner), consent=record, note="Asked.")
    body = get(client, f"/api/fhir/Consent/{record.pk}")
    assert_consent(body)
    assert body["status"] == "inactive"
    get(api(world.outsider_practitioner), f"/api/fhir/Consent/{record.pk}", expected=404)


def test_outsiders_get_404_and_nothing_is_recorded_or_changed(world):
    referral = make_referral(world=world)
    client = api(world.outsider_practitioner)
    before = (AccessEvent.objects.count(), Referral.objects.get(pk=referral.pk).seen_at)
    for url in (f"/api/fhir/ServiceRequest/{referral.pk}", f"/api/fhir/Task/{referral.pk}",
                f"/api/fhir/Consent/{referral.sharing_basis_id}",
                "/api/fhir/ServiceRequest/not-a-uuid"):
        body = get(client, url, expected=404)
        OperationOutcome.model_validate(body)
        assert body["issue"][0]["code"] == "not-found"
    assert (AccessEvent.objects.count(), Referral.objects.get(pk=referral.pk).seen_at) == before


def test_draft_is_invisible_to_the_receiving_agency(world):
    draft = make_referral(world=world, submit=False)
    get(api(world.partner_practitioner), f"/api/fhir/ServiceRequest/{draft.pk}", expected=404)


def test_reads_are_audited_and_opening_marks_seen_like_the_rest_api(world):
    referral = make_referral(world=world)
    get(api(world.partner_practitioner), f"/api/fhir/ServiceRequest/{referral.pk}")
    event = AccessEvent.objects.filter(object_id=referral.pk, action="view").get()
    assert (event.channel, event.agency_id) == ("api", world.partner.pk)
    assert Referral.objects.get(pk=referral.pk).seen_at is not None
    task = get(api(world.partner_practitioner), f"/api/fhir/Task/{referral.pk}")
    assert task["status"] == "received"


def test_unauthenticated_is_refused_as_operation_outcome(world, client):
    referral = make_referral(world=world)
    response = client.get(f"/api/fhir/ServiceRequest/{referral.pk}", HTTP_ACCEPT=FHIR)
    assert response.status_code in (401, 403)
    OperationOutcome.model_validate(json.loads(response.content))


def test_metadata_is_a_capability_statement(client):
    body = get(client, "/api/fhir/metadata")
    CapabilityStatement.model_validate(body)
    assert body["fhirVersion"] == "4.0.1"


def new_request(case, service, **extra) -> dict:
    return {"resourceType": "ServiceRequest", "status": "draft", "intent": "order",
            "priority": "asap", "subject": {"display": "The case's subject"},
            "supportingInfo": [{"type": "EpisodeOfCare",
                                "identifier": {"system": codes.UUID_SYSTEM,
                                               "value": f"urn:uuid:{case.pk}"}}],
            "performer": [{"type": "HealthcareService",
                           "identifier": {"system": codes.UUID_SYSTEM,
                                          "value": f"urn:uuid:{service.pk}"}}],
            "reasonCode": [{"text": "Needs an IDVA."}],
            "note": [{"text": "Two incidents this month."}], **extra}


def post(client: APIClient, body: dict, expected: int) -> dict:
    response = client.post("/api/fhir/ServiceRequest", json.dumps(body), content_type=FHIR,
                           HTTP_ACCEPT=FHIR)
    assert response.status_code == expected, response.content
    return json.loads(response.content)


def test_posted_service_request_creates_a_draft_referral(world):
    case = make_case(lead=world.lead_practitioner)
    service = make_service(agency=world.partner)
    body = post(api(world.lead_practitioner), new_request(case, service), 201)
    assert_service_request(body)
    referral = Referral.objects.get(pk=body["id"])
    assert (referral.status, referral.urgency, referral.case_id, referral.to_service_id) == \
        ("draft", "urgent", case.pk, service.pk)
    assert referral.reason == "Needs an IDVA." and referral.shared_information == \
        "Two incidents this month."
    assert [e.to_status for e in referral.events.all()] == ["draft"]
    assert AccessEvent.objects.filter(object_id=referral.pk, action="create").exists()


@pytest.mark.parametrize("change, element", [
    ({"status": "active"}, "status"), ({"intent": "wish"}, "intent"),
    ({"priority": "soon"}, "priority"), ({"supportingInfo": []}, "supportingInfo"),
    ({"performer": []}, "performer"), ({"resourceType": "Patient"}, "resourceType"),
    ({"authoredOn": "yesterday"}, "authoredOn"), ({"subject": None}, "subject"),
])
def test_bad_service_requests_answer_400_and_create_nothing(world, change, element):
    case = make_case(lead=world.lead_practitioner)
    service = make_service(agency=world.partner)
    body = {**new_request(case, service), **change}
    body = {key: value for key, value in body.items() if value is not None}
    before = Referral.objects.count()
    outcome = post(api(world.lead_practitioner), body, 400)
    OperationOutcome.model_validate(outcome)
    issue = outcome["issue"][0]
    assert issue["code"] == "invalid"
    assert element in issue.get("expression", [""])[0] or element in issue["diagnostics"]
    assert Referral.objects.count() == before


def test_post_refuses_a_case_the_caller_cannot_see_and_auditors(world):
    case = make_case(lead=world.lead_practitioner)
    service = make_service(agency=world.partner)
    before = Referral.objects.count()
    outcome = post(api(world.outsider_practitioner), new_request(case, service), 400)
    assert outcome["issue"][0]["diagnostics"] == "No case with that id."
    auditor = make_member(agency=world.lead, role=Role.AUDITOR)
    outcome = post(api(auditor), new_request(case, service), 403)
    assert outcome["issue"][0]["code"] == "forbidden"
    assert Referral.objects.count() == before


def test_plain_json_is_accepted_too(world):
    case = make_case(lead=world.lead_practitioner)
    service = make_service(agency=world.partner)
    response = api(world.lead_practitioner).post("/api/fhir/ServiceRequest",
                                                 new_request(case, service), format="json")
    assert response.status_code == 201


def test_reads_run_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(world.lead_practitioner)
    counts = []
    for index in range(3):
        referral = make_referral(world=world, service=make_service(agency=world.partner,
                                                                   name=f"S{index}"))
        client.get(f"/api/fhir/ServiceRequest/{referral.pk}")  # the token's first use
        for url in (f"/api/fhir/ServiceRequest/{referral.pk}", f"/api/fhir/Task/{referral.pk}"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
    assert counts[0::2] == [counts[0]] * 3 and counts[1::2] == [counts[1]] * 3
    # token, referral (planner hint set and reset), audit row; Task adds its history
    assert counts[0] <= 7 and counts[1] <= 8, counts
