"""The referrals, services and notifications API: contract, transitions and permissions."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.accounts.services import api_token_create
from apps.notifications.models import Notification
from apps.referrals.models import Referral
from tests.conftest import client_for
from tests.factories import make_case
from tests.referrals.helpers import make_referral, make_service

pytestmark = pytest.mark.django_db


def api(membership) -> APIClient:
    client = APIClient()
    _, key = api_token_create(membership=membership, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def url(referral=None, action: str = "") -> str:
    base = "/api/v1/referrals/"
    if referral is None:
        return base
    return f"{base}{referral.pk}/" + (f"{action}/" if action else "")


def create_body(case, service, **extra) -> dict:
    return {"case": str(case.pk), "to_service": str(service.pk), "reason": "Needs an IDVA",
            "urgency": "urgent", "shared_information": "Three incidents.",
            "sharing_kind": "consent", "consent_given_by": "person",
            "consent_given_on": "2026-01-05", "submit": True, **extra}


def test_create_and_submit_in_one_call(world):
    case = make_case(lead=world.lead_practitioner)
    service = make_service(agency=world.partner)
    response = api(world.lead_practitioner).post(url(), create_body(case, service),
                                                 format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["to_agency"]["name"] == "Safe Haven"
    assert body["sharing_basis"]["kind"] == "consent"
    assert [h["to_status"] for h in body["history"]] == ["draft", "submitted"]


def test_create_refuses_bad_input_with_field_errors(world):
    case = make_case(lead=world.lead_practitioner)
    service = make_service(agency=world.partner)
    client = api(world.lead_practitioner)
    response = client.post(url(), create_body(case, service, consent_given_on=None),
                           format="json")
    assert response.status_code == 400 and "consent_given_on" in response.json()
    response = client.post(url(), create_body(case, service, urgency="whenever"),
                           format="json")
    assert response.status_code == 400 and "urgency" in response.json()
    assert not Referral.objects.exists()


def test_create_on_an_invisible_case_is_refused(world):
    case = make_case(lead=world.lead_practitioner)
    service = make_service(agency=world.partner)
    response = api(world.outsider_practitioner).post(url(), create_body(case, service),
                                                     format="json")
    assert response.status_code == 400 and "case" in response.json()
    assert not Referral.objects.exists()


def test_outsider_gets_404_for_detail_and_every_action(world):
    referral = make_referral(world=world)
    client = api(world.outsider_manager)
    assert client.get(url(referral)).status_code == 404
    for action in ("submit", "accept", "decline", "request-info", "respond", "withdraw",
                   "complete"):
        assert client.post(url(referral, action), {}, format="json").status_code == 404
    assert client.get(url()).json()["results"] == []


def test_draft_is_404_to_the_receiving_agency(world):
    referral = make_referral(world=world, submit=False)
    assert api(world.partner_practitioner).get(url(referral)).status_code == 404
    assert api(world.lead_practitioner).get(url(referral)).status_code == 200


def test_receiving_agency_sees_what_was_shared_but_not_the_case_until_accepted(world):
    referral = make_referral(world=world)
    client = api(world.partner_practitioner)
    body = client.get(url(referral)).json()
    assert body["shared_information"] == "Three call-outs since January; partner on bail."
    assert body["subject"]["name"]  # the prefilled facts travel with the referral
    assert "summary" not in body["case"]
    assert body["allowed_actions"] == ["accept", "decline", "request_info"]
    case_url = f"/cases/{referral.case_id}/"
    assert client_for(world.partner_practitioner).get(case_url).status_code == 404
    assert client.post(url(referral, "accept")).status_code == 200
    assert client_for(world.partner_practitioner).get(case_url).status_code == 200


def test_decline_leaves_no_case_access(world):
    referral = make_referral(world=world)
    signpost = make_service(agency=world.outsider, name="Tenancy support")
    response = api(world.partner_manager).post(url(referral, "decline"), {
        "decline_category": "wrong_service", "decline_reason": "Housing first.",
        "signpost_service": str(signpost.pk)}, format="json")
    assert response.status_code == 200
    assert response.json()["signpost_service"]["name"] == "Tenancy support"
    assert client_for(world.partner_manager).get(
        f"/cases/{referral.case_id}/").status_code == 404


def test_decline_without_reason_is_400(world):
    referral = make_referral(world=world)
    response = api(world.partner_manager).post(url(referral, "decline"),
                                               {"decline_category": "other"}, format="json")
    assert response.status_code == 400 and "decline_reason" in response.json()


def test_request_info_respond_withdraw_and_conflicts(world):
    referral = make_referral(world=world)
    partner, lead = api(world.partner_practitioner), api(world.lead_practitioner)
    assert partner.post(url(referral, "request-info"), {"text": "Safe number?"},
                        format="json").json()["status"] == "info_requested"
    assert partner.post(url(referral, "respond"), {"text": "x"},
                        format="json").status_code == 403
    assert lead.post(url(referral, "respond"), {"text": "Office line"},
                     format="json").json()["status"] == "submitted"
    assert lead.post(url(referral, "withdraw"), {"text": "Moved away"},
                     format="json").json()["status"] == "withdrawn"
    response = partner.post(url(referral, "accept"))
    assert response.status_code == 409 and "withdrawn" in response.json()["detail"]


def test_accept_twice_is_409_with_the_winner_named(world):
    referral = make_referral(world=world)
    assert api(world.partner_practitioner).post(url(referral, "accept")).status_code == 200
    response = api(world.partner_manager).post(url(referral, "accept"))
    assert response.status_code == 409
    assert "already accepted by" in response.json()["detail"]
    response = api(world.partner_manager).post(url(referral, "complete"), {"text": "Done"},
                                               format="json")
    assert response.json()["status"] == "completed"


def test_submit_a_draft_through_the_api(world):
    referral = make_referral(world=world, submit=False)
    assert api(world.partner_practitioner).post(url(referral, "submit")).status_code == 404
    assert api(world.lead_practitioner).post(url(referral, "submit")).status_code == 200


def test_inbox_and_outgoing_filters(world):
    referral = make_referral(world=world)
    inbox = api(world.partner_practitioner).get(url() + "?box=inbox&tab=new").json()
    assert [r["id"] for r in inbox["results"]] == [str(referral.pk)]
    assert api(world.partner_practitioner).get(url() + "?box=outgoing").json()["results"] == []
    assert api(world.partner_practitioner).get(url() + "?box=inbox&tab=x").status_code == 400


def test_session_auth_works_for_the_api(world):
    referral = make_referral(world=world)
    response = client_for(world.lead_practitioner).get(url(referral))
    assert response.status_code == 200 and response.json()["status"] == "submitted"


def test_unauthenticated_is_refused(world):
    assert APIClient().get(url()).status_code in (401, 403)
    assert APIClient().get("/api/v1/services/").status_code in (401, 403)
    assert APIClient().get("/api/v1/notifications/").status_code in (401, 403)


def test_services_directory_search(world):
    idva = make_service(agency=world.partner)
    make_service(agency=world.outsider, name="Tenancy sustainment", needs=["housing"],
                 description="Keeps tenancies going.")
    make_service(agency=world.lead, name="Closed one", active=False)
    client = api(world.lead_practitioner)
    names = lambda q: {s["name"] for s in client.get(f"/api/v1/services/{q}").json()["results"]}  # noqa: E731
    assert names("") == {"IDVA service", "Tenancy sustainment"}
    assert names("?q=tenancies") == {"Tenancy sustainment"}
    assert names("?need=domestic_abuse") == {"IDVA service"}
    assert names("?kind=private") == {"Tenancy sustainment"}
    assert names("?area=northbridge") == {"IDVA service", "Tenancy sustainment"}
    detail = client.get(f"/api/v1/services/{idva.pk}/").json()
    assert detail["response_target_hours"] == 8 and detail["agency"]["kind"] == "voluntary"


def test_notifications_are_the_callers_own(world):
    referral = make_referral(world=world)
    partner = api(world.partner_practitioner)
    rows = partner.get("/api/v1/notifications/").json()["results"]
    assert len(rows) == 1 and rows[0]["target_id"] == str(referral.pk)
    assert partner.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    theirs = Notification.objects.get(recipient=world.partner_manager.user)
    assert partner.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    mine = rows[0]["id"]
    assert partner.post(f"/api/v1/notifications/{mine}/read/").json()["read_at"]
    assert partner.get("/api/v1/notifications/?unread=1").json()["results"] == []
    manager = api(world.partner_manager)
    assert manager.post("/api/v1/notifications/read-all/").json() == {"marked": 1, "unread": 0}
    assert api(world.outsider_manager).get("/api/v1/notifications/").json()["results"] == []
