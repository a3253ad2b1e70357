"""Pages: DSAs, consent, "why can I see this", emergency access — and who gets 404."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.consent.models import DataSharingAgreement, DsaStatus, EmergencyAccess
from apps.consent.services import dsa_create_active_for_demo
from tests.conftest import client_for
from tests.consent.helpers import make_consent, stranger_agency
from tests.dates import date_data
from tests.factories import involve, make_agency, make_case

pytestmark = pytest.mark.django_db


def _dsa_form(parties):
    today = timezone.localdate()
    return {"title": "Police and charity", "purpose": "Safeguarding adults at risk.",
            "lawful_basis": "public_task", "data_categories": "Case details.",
            "retention": "Six years.", **date_data("start_date", today),
            **date_data("review_date", today + datetime.timedelta(days=90)),
            **date_data("end_date", today + datetime.timedelta(days=365)),
            "parties": [str(p.pk) for p in parties]}


def test_admin_drafts_and_both_admins_sign(world):
    agency, _manager, admin = stranger_agency()
    lead = client_for(world.lead_admin)
    bad = lead.post("/sharing/agreements/new/", {**_dsa_form([agency]), "title": ""})
    assert bad.status_code == 400 and b"There is a problem" in bad.content
    response = lead.post("/sharing/agreements/new/", _dsa_form([agency]))
    agreement = DataSharingAgreement.objects.get(title="Police and charity")
    assert response.status_code == 302
    sign = f"/sharing/agreements/{agreement.pk}/sign/"
    confirm = lead.get(sign).content.decode()
    assert "Police and charity" in confirm and "I am authorised to sign" in confirm
    unconfirmed = lead.post(sign)
    assert unconfirmed.status_code == 400 and b"Confirm the declaration" in unconfirmed.content
    assert not agreement.parties.filter(signed_at__isnull=False).exists()
    assert lead.post(sign, {"confirm": "on"}).status_code == 302
    page = client_for(admin).get(f"/sharing/agreements/{agreement.pk}/")
    assert b"Sign for Unagreed Charity" in page.content
    client_for(admin).post(sign, {"confirm": "on"})
    agreement.refresh_from_db()
    assert agreement.status == DsaStatus.ACTIVE
    party = agreement.parties.get(agency=world.lead)
    assert party.declaration.startswith(f"I am authorised to sign this agreement for "
                                        f"{world.lead.name}")
    assert client_for(admin).get(sign).status_code == 404  # signed: nothing to confirm


def test_agreement_pages_are_for_parties_and_drafting_for_admins(world):
    agency, manager, _admin = stranger_agency()
    agreement = dsa_create_active_for_demo(agency_ids=[world.lead.pk, agency.pk], title="Two",
                                           user=world.lead_admin.user)
    outsider = client_for(world.outsider_manager)
    assert outsider.get(f"/sharing/agreements/{agreement.pk}/").status_code == 404
    assert outsider.post(f"/sharing/agreements/{agreement.pk}/terminate/",
                         {"reason": "x"}).status_code == 404
    assert client_for(world.lead_practitioner).get("/sharing/agreements/new/").status_code == 404
    party_page = client_for(manager).get(f"/sharing/agreements/{agreement.pk}/")
    assert party_page.status_code == 200 and b"Terminate" not in party_page.content
    home = client_for(world.lead_practitioner).get("/sharing/")
    assert home.status_code == 200 and b"Two" in home.content
    assert b"Two" not in outsider.get("/sharing/").content
    bad = client_for(world.lead_admin).post(f"/sharing/agreements/{agreement.pk}/terminate/",
                                            {"reason": ""})
    assert bad.status_code == 400 and b"There is a problem" in bad.content


def test_why_page_shows_own_basis_and_admins_see_every_agency(world, shared_case):
    partner = client_for(world.partner_practitioner).get(f"/cases/{shared_case.pk}/why/")
    assert partner.status_code == 200
    assert b"Safe Haven (your agency)" in partner.content
    assert b"Northbridge DSA" in partner.content
    assert b'govuk-heading-m">Northbridge Police' not in partner.content  # only its own
    admin = client_for(world.lead_admin).get(f"/cases/{shared_case.pk}/why/")
    assert b'govuk-heading-m">Safe Haven' in admin.content
    assert b"Northbridge Police (your agency)" in admin.content
    assert client_for(world.outsider_manager).get(
        f"/cases/{shared_case.pk}/why/").status_code == 404
    case_page = client_for(world.partner_practitioner).get(f"/cases/{shared_case.pk}/")
    assert b"Why can I see this?" in case_page.content


def test_why_page_runs_a_fixed_number_of_queries(world):
    def count(n):
        case = make_case(lead=world.lead_practitioner)
        for _ in range(n):
            involve(case=case, manager=world.lead_manager, agency=make_agency())
        client = client_for(world.lead_admin)
        client.get(f"/cases/{case.pk}/why/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/cases/{case.pk}/why/").status_code == 200
        return len(queries)

    assert count(2) == count(12)


def test_emergency_access_page_opens_the_case_and_refuses_bad_input(world, shared_case):
    client = client_for(world.outsider_practitioner)
    assert client.get(f"/cases/{shared_case.pk}/").status_code == 404
    assert client.get("/sharing/emergency-access/").status_code == 200
    bad = client.post("/sharing/emergency-access/", {"case_reference": "NB-999999",
                                                      "reason": "Risk to life now."})
    assert bad.status_code == 400
    assert b"No case you can open in an emergency has that reference" in bad.content
    short = client.post("/sharing/emergency-access/", {"case_reference": shared_case.reference,
                                                       "reason": "x"})
    assert short.status_code == 400 and not EmergencyAccess.objects.exists()
    response = client.post("/sharing/emergency-access/", {
        "case_reference": shared_case.reference.lower(),
        "reason": "Tenant found injured; need to know the risks."})
    assert response.status_code == 302
    assert client.get(f"/cases/{shared_case.pk}/").status_code == 200
    why = client.get(f"/cases/{shared_case.pk}/why/")
    assert b"You have emergency access until" in why.content
    EmergencyAccess.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(f"/cases/{shared_case.pk}/").status_code == 404


def test_consent_pages_record_and_withdraw_and_hide_from_outsiders(world, shared_case):
    client = client_for(world.lead_practitioner)
    url = f"/sharing/people/{shared_case.subject_id}/consents/"
    today = timezone.localdate()
    bad = client.post(url, {"given_by": "person"})
    assert bad.status_code == 400 and b"There is a problem" in bad.content
    response = client.post(url, {
        "given_by": "person", **date_data("given_on", today), "method": "verbal",
        "scope_agency_kinds": ["voluntary"], "purposes": ["support"],
        **date_data("review_date", today + datetime.timedelta(days=90))})
    assert response.status_code == 302
    consent = shared_case.subject.consents.get()
    detail = f"/sharing/consents/{consent.pk}/"
    assert client.get(detail).status_code == 200
    outsider = client_for(world.outsider_practitioner)
    assert outsider.get(url).status_code == 404
    assert outsider.get(detail).status_code == 404
    assert outsider.post(detail, {"note": "x"}).status_code == 404
    client.post(detail, {"note": "Phoned to withdraw."})
    consent.refresh_from_db()
    assert consent.withdrawn


def test_flagged_involvements_are_listed_for_the_lead(world):
    from apps.cases.services import involvement_add
    from apps.consent.services import consent_withdraw
    from tests.factories import actor_of

    case = make_case(lead=world.lead_practitioner)
    consent = make_consent(membership=world.lead_practitioner, person=case.subject,
                           agencies=[world.partner])
    involvement_add(actor=actor_of(world.lead_manager), case=case, agency=world.partner,
                    basis="Consent.", sharing_basis={"kind": "consent", "consent": consent})
    consent_withdraw(actor=actor_of(world.lead_practitioner), consent=consent, note="No.")
    page = client_for(world.lead_manager).get("/sharing/")
    assert case.reference.encode() in page.content
    assert case.reference.encode() not in client_for(world.partner_manager).get(
        "/sharing/").content
