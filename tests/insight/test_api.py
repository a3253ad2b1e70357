from __future__ import annotations

import pytest

from apps.consent.models import DataSharingAgreement
from tests.conftest import api_client_for
from tests.insight.helpers import add_referrals

pytestmark = pytest.mark.django_db


def test_funnel_api_matches_the_page_and_refuses_practitioners(world):
    add_referrals(sender=world.lead_practitioner, receiver=world.partner, count=6)
    body = api_client_for(world.lead_manager).get("/api/v1/reports/funnel/").json()
    summary = next(t for t in body["tables"] if t["key"] == "summary")
    assert summary["rows"][0][:3] == ["Made by us", 6, 6]
    assert body["scope"] == world.lead.name
    assert api_client_for(world.lead_practitioner).get(
        "/api/v1/reports/funnel/").status_code == 404


def test_funnel_api_partnership_and_bad_input(world):
    agreement = DataSharingAgreement.objects.get(title="Northbridge DSA")
    client = api_client_for(world.outsider_manager)
    refused = client.get(f"/api/v1/reports/funnel/?scope={agreement.pk}")
    assert refused.status_code == 400 and "scope" in refused.json()
    DataSharingAgreement.objects.filter(pk=agreement.pk).update(reporting_allowed=True)
    add_referrals(sender=world.lead_practitioner, receiver=world.partner, count=5)
    body = client.get(f"/api/v1/reports/funnel/?scope={agreement.pk}").json()
    assert body["tables"][0]["rows"][0][1] == 5
    bad = client.get("/api/v1/reports/funnel/?date_from=yesterday&to_kind=x")
    assert bad.status_code == 400 and set(bad.json()) >= {"date_from", "to_kind"}


def test_reports_are_in_the_openapi_schema(world):
    schema = api_client_for(world.lead_manager).get("/api/schema/?format=json").json()
    for path in ("/api/v1/reports/funnel/", "/api/v1/reports/equality/",
                 "/api/v1/reports/marac-return/"):
        assert path in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/reports/funnel/"]["get"]["parameters"]}
    assert {"scope", "date_from", "date_to", "agency", "to_kind", "team", "area"} <= params
