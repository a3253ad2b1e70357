"""API: consents, sharing bases, DSAs with sign and terminate, the "why" explanation and
emergency access — scoped by the same selectors, 404 for what the caller may not see."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from apps.consent.models import DataSharingAgreement, DsaStatus
from apps.consent.services import dsa_create_active_for_demo
from tests.conftest import api_client_for
from tests.consent.helpers import make_consent, stranger_agency
from tests.referrals.helpers import make_referral

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _dsa_payload(parties):
    today = timezone.localdate()
    return {"title": "API DSA", "purpose": "Safeguarding.", "lawful_basis": "public_task",
            "data_categories": "Case details.", "retention": "Six years.",
            "start_date": today.isoformat(),
            "review_date": (today + datetime.timedelta(days=30)).isoformat(),
            "end_date": (today + datetime.timedelta(days=60)).isoformat(),
            "parties": [str(p.pk) for p in parties]}


def test_agreement_lifecycle_over_the_api(world):
    agency, manager, admin = stranger_agency()
    lead = api_client_for(world.lead_admin)
    bad = lead.post(f"{API}/sharing-agreements/", {**_dsa_payload([agency]), "title": ""},
                    format="json")
    assert bad.status_code == 400 and "title" in bad.json()
    created = lead.post(f"{API}/sharing-agreements/", _dsa_payload([agency]), format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "draft" and len(created.json()["parties"]) == 2
    # Only a party's own admin signs; a non-party gets 404.
    assert api_client_for(manager).post(f"{API}/sharing-agreements/{pk}/sign/").status_code \
        == 403
    assert api_client_for(world.outsider_manager).post(
        f"{API}/sharing-agreements/{pk}/sign/").status_code == 404
    assert api_client_for(world.outsider_manager).get(
        f"{API}/sharing-agreements/{pk}/").status_code == 404
    assert lead.post(f"{API}/sharing-agreements/{pk}/sign/").json()["status"] == \
        "awaiting_signatures"
    assert lead.post(f"{API}/sharing-agreements/{pk}/sign/").status_code == 409
    signed = api_client_for(admin).post(f"{API}/sharing-agreements/{pk}/sign/")
    assert signed.json()["status"] == "active"
    assert api_client_for(admin).post(f"{API}/sharing-agreements/{pk}/terminate/", {},
                                      format="json").status_code == 400
    ended = api_client_for(admin).post(f"{API}/sharing-agreements/{pk}/terminate/",
                                       {"reason": "Project closed."}, format="json")
    assert ended.json()["status"] == "terminated"
    assert DataSharingAgreement.objects.get(pk=pk).status == DsaStatus.TERMINATED


def test_agreement_list_is_scoped_to_the_callers_agency(world):
    agency, _manager, _admin = stranger_agency()
    dsa_create_active_for_demo(agency_ids=[world.lead.pk, agency.pk], title="Private pair",
                               user=world.lead_admin.user)
    titles = [a["title"] for a in api_client_for(world.outsider_practitioner).get(
        f"{API}/sharing-agreements/").json()["results"]]
    assert titles == ["Northbridge DSA"]


def test_consents_create_list_withdraw_and_outsider_404(world, shared_case):
    today = timezone.localdate()
    lead = api_client_for(world.lead_practitioner)
    created = lead.post(f"{API}/consents/", {
        "person": str(shared_case.subject_id), "given_by": "person",
        "given_on": today.isoformat(), "method": "written",
        "review_date": (today + datetime.timedelta(days=30)).isoformat(),
        "scope_agencies": [str(world.partner.pk)], "purposes": ["support"]}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    empty = lead.post(f"{API}/consents/", {
        "person": str(shared_case.subject_id), "given_by": "person",
        "given_on": today.isoformat(), "method": "written",
        "review_date": (today + datetime.timedelta(days=30)).isoformat(),
        "purposes": ["support"]}, format="json")
    assert empty.status_code == 400 and "scope_agencies" in empty.json()
    outsider = api_client_for(world.outsider_practitioner)
    assert outsider.get(f"{API}/consents/").json()["results"] == []
    assert outsider.get(f"{API}/consents/{pk}/").status_code == 404
    assert outsider.post(f"{API}/consents/{pk}/withdraw/", {"note": "x"},
                         format="json").status_code == 404
    assert outsider.post(f"{API}/consents/", {
        "person": str(shared_case.subject_id), "given_by": "person",
        "given_on": today.isoformat(), "method": "written",
        "review_date": (today + datetime.timedelta(days=30)).isoformat(),
        "scope_agencies": [str(world.partner.pk)], "purposes": ["support"]},
        format="json").status_code == 404
    partner = api_client_for(world.partner_practitioner)
    assert partner.get(f"{API}/consents/{pk}/").status_code == 200
    withdrawn = lead.post(f"{API}/consents/{pk}/withdraw/", {"note": "Changed mind."},
                          format="json")
    assert withdrawn.json()["withdrawn"] is True
    assert lead.post(f"{API}/consents/{pk}/withdraw/", {"note": "Again."},
                     format="json").status_code == 409


def test_sharing_bases_are_the_deciding_agencys(world):
    referral = make_referral(world=world)
    lead = api_client_for(world.lead_practitioner).get(f"{API}/sharing-bases/").json()
    assert [b["id"] for b in lead["results"]] == [str(referral.sharing_basis_id)]
    assert api_client_for(world.outsider_manager).get(
        f"{API}/sharing-bases/{referral.sharing_basis_id}/").status_code == 404


def test_why_explains_the_callers_access_and_hides_from_outsiders(world, shared_case):
    why = api_client_for(world.partner_practitioner).get(f"{API}/cases/{shared_case.pk}/why/")
    assert why.status_code == 200
    body = why.json()
    assert [r["agency_name"] for r in body["reasons"]] == ["Safe Haven"]
    assert body["reasons"][0]["agreement"]["title"] == "Northbridge DSA"
    admin = api_client_for(world.lead_admin).get(f"{API}/cases/{shared_case.pk}/why/").json()
    assert {r["agency_name"] for r in admin["reasons"]} == {"Northbridge Police", "Safe Haven"}
    assert api_client_for(world.outsider_manager).get(
        f"{API}/cases/{shared_case.pk}/why/").status_code == 404


def test_emergency_access_over_the_api(world, shared_case):
    outsider = api_client_for(world.outsider_practitioner)
    assert outsider.get(f"{API}/cases/{shared_case.pk}/").status_code == 404
    assert outsider.post(f"{API}/emergency-accesses/", {
        "case_reference": "NB-999999", "reason": "Risk to life now."},
        format="json").status_code == 400
    response = outsider.post(f"{API}/emergency-accesses/", {
        "case_reference": shared_case.reference,
        "reason": "Tenant found injured; need the risks."}, format="json")
    assert response.status_code == 201 and response.json()["live"] is True
    assert outsider.get(f"{API}/cases/{shared_case.pk}/").status_code == 200
    why = outsider.get(f"{API}/cases/{shared_case.pk}/why/").json()
    assert why["reasons"] == [] and len(why["emergency_access"]) == 1
    # The lead agency sees it; the partner does not.
    lead = api_client_for(world.lead_manager).get(f"{API}/emergency-accesses/").json()
    assert len(lead["results"]) == 1
    assert api_client_for(world.partner_manager).get(
        f"{API}/emergency-accesses/").json()["results"] == []


def test_consent_helper_scope(world, shared_case):
    consent = make_consent(membership=world.lead_practitioner, person=shared_case.subject,
                           kinds=["private"])
    assert consent.scope_agency_kinds == ["private"]
