"""The services directory in the browser: search, detail, and an admin's own entries."""

from __future__ import annotations

import pytest

from apps.agencies.models import AgencyKind, Role, Service
from tests.conftest import client_for
from tests.factories import make_agency, make_member
from tests.referrals.helpers import make_service

pytestmark = pytest.mark.django_db


def test_search_by_words_need_area_kind_and_accepting(world):
    idva = make_service(agency=world.partner)
    housing = make_service(agency=world.outsider, name="Tenancy support", needs=["housing"],
                           area="Eastgate", accepting=False,
                           description="Help to keep a tenancy.")
    client = client_for(world.lead_practitioner)

    def found(query: str) -> set[str]:
        body = client.get(f"/services/?{query}").content.decode()
        return {s.name for s in (idva, housing) if f"/services/{s.pk}/" in body}

    assert found("") == {"IDVA service", "Tenancy support"}
    assert found("q=tenancy") == {"Tenancy support"}
    assert found("need=domestic_abuse") == {"IDVA service"}
    assert found("area=eastgate") == {"Tenancy support"}
    assert found(f"kind={AgencyKind.VOLUNTARY}") == {"IDVA service"}
    assert found("accepting=on") == {"IDVA service"}


def test_detail_and_unlisted_service_is_404(world):
    service = make_service(agency=world.partner)
    hidden = make_service(agency=world.partner, name="Old service", active=False)
    client = client_for(world.outsider_practitioner)
    response = client.get(f"/services/{service.pk}/")
    assert response.status_code == 200 and "Adults at high risk" in response.content.decode()
    assert client.get(f"/services/{hidden.pk}/").status_code == 404


def test_only_agency_admins_manage_and_only_their_own(world):
    service = make_service(agency=world.partner)
    partner_admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    for member in (world.partner_practitioner, world.partner_manager):
        client = client_for(member)
        for path in ("/services/mine/", "/services/new/", f"/services/{service.pk}/edit/"):
            assert client.get(path).status_code == 404, (member, path)
        assert client.post("/services/new/", {"name": "X"}).status_code == 404
    # another agency's admin cannot change it either
    lead_admin = client_for(world.lead_admin)
    assert lead_admin.get(f"/services/{service.pk}/edit/").status_code == 404
    assert lead_admin.post(f"/services/{service.pk}/edit/", {"name": "Hacked",
                           "response_target_hours": "1"}).status_code == 404
    service.refresh_from_db()
    assert service.name == "IDVA service"
    body = client_for(partner_admin).get("/services/mine/").content.decode()
    assert "IDVA service" in body
    assert f"/services/{service.pk}/edit/" in body


def test_admin_creates_and_edits_a_service(world):
    client = client_for(world.lead_admin)
    response = client.post("/services/new/", {
        "name": "Domestic abuse unit", "description": "Specialist officers.",
        "needs": ["domestic_abuse"], "area": "Northbridge", "response_target_hours": "4",
        "accepting_referrals": "on", "active": "on"})
    assert response.status_code == 302
    service = Service.objects.get(agency=world.lead)
    assert service.needs == ["domestic_abuse"] and service.response_target_hours == 4
    response = client.post(f"/services/{service.pk}/edit/", {
        "name": "Domestic abuse unit", "response_target_hours": "8", "active": "on"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.response_target_hours == 8 and service.accepting_referrals is False


def test_bad_input_shows_govuk_errors_and_saves_nothing(world):
    make_service(agency=world.lead, name="Existing")
    client = client_for(world.lead_admin)
    for data, message in (
        ({"name": "", "response_target_hours": "4"}, "Enter the service&#x27;s name."),
        ({"name": "New", "response_target_hours": "0"}, "at least 1 working hour"),
        ({"name": "Existing", "response_target_hours": "4"}, "already has a service"),
    ):
        response = client.post("/services/new/", data)
        assert response.status_code == 400
        body = response.content.decode()
        assert "govuk-error-summary" in body and message in body, message
    assert Service.objects.filter(agency=world.lead).count() == 1


def test_directory_needs_an_agency(db):
    agency = make_agency(name="Lonely")
    member = make_member(agency=agency)
    assert client_for(member).get("/services/").status_code == 200
