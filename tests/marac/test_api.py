from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from apps.marac.models import Research
from tests.conftest import api_client_for
from tests.marac.helpers import answers, checklist, listed, make_marac, meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def marac(world):
    return make_marac(world)


def test_checklist_to_referral_to_listing_over_the_api(world, shared_case, marac):
    client = api_client_for(world.lead_practitioner)
    response = client.post("/api/v1/risk-checklists/", {
        "case": str(shared_case.pk), "area": str(marac.area.pk), "answers": answers(16),
        "incidents_last_12_months": 1}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["score"] == 16 and body["routes"] == ["visible_high_risk"]
    url = f"/api/v1/risk-checklists/{body['id']}/decide/"
    assert client.post(url, {"decision": "refer", "reason": "16 yes."},
                       format="json").status_code == 200
    assert client.post(url, {"decision": "refer", "reason": "again"},
                       format="json").status_code == 409
    response = client.post("/api/v1/marac/referrals/", {
        "checklist": body["id"], "route": "visible_high_risk", "victim_aware": True,
        "lawful_basis": "vital_interests", "justification": "Risk of serious harm."},
        format="json")
    assert response.status_code == 201, response.content
    referral_id = response.json()["id"]
    mtg = meeting(marac=marac)
    coordinator = api_client_for(marac.coordinator)
    assert client.post(f"/api/v1/marac/referrals/{referral_id}/list/",
                       {"meeting": str(mtg.pk)}, format="json").status_code == 403
    response = coordinator.post(f"/api/v1/marac/referrals/{referral_id}/list/",
                                {"meeting": str(mtg.pk)}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "listed"
    items = client.get(f"/api/v1/marac/meetings/{mtg.pk}/agenda-items/").json()["results"]
    assert len(items) == 1
    response = client.post(f"/api/v1/marac/meetings/{mtg.pk}/agenda-items/{items[0]['id']}/"
                           "research/", {"text": "Three call-outs."}, format="json")
    assert response.status_code == 200
    assert {r["agency"]["name"]: r["text"] for r in response.json()["research"]}[
        world.lead.name] == "Three call-outs."


def test_outsider_sees_nothing_and_gets_404(world, shared_case, marac):
    ref, mtg, item = listed(world=world, marac=marac, case=shared_case)
    outsider = api_client_for(world.outsider_practitioner)
    for url in ["/api/v1/risk-checklists/", "/api/v1/marac/referrals/",
                "/api/v1/marac/meetings/", "/api/v1/actions/"]:
        assert outsider.get(url).json()["results"] == [], url
    for url in [f"/api/v1/risk-checklists/{ref.checklist_id}/",
                f"/api/v1/marac/referrals/{ref.pk}/", f"/api/v1/marac/meetings/{mtg.pk}/",
                f"/api/v1/marac/meetings/{mtg.pk}/agenda-items/",
                f"/api/v1/marac/meetings/{mtg.pk}/agenda-items/{item.pk}/"]:
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(f"/api/v1/marac/referrals/{ref.pk}/return/", {"reason": "x"},
                         format="json").status_code == 404
    assert outsider.post(f"/api/v1/marac/meetings/{mtg.pk}/agenda-items/{item.pk}/research/",
                         {"text": "x"}, format="json").status_code == 404
    assert outsider.post("/api/v1/risk-checklists/", {
        "case": str(shared_case.pk), "area": str(marac.area.pk), "answers": answers(3)},
        format="json").status_code == 400
    assert not Research.objects.filter(text="x").exists()


def test_actions_api(world, shared_case):
    client = api_client_for(world.partner_practitioner)
    response = client.post("/api/v1/actions/", {
        "case": str(shared_case.pk), "description": "Check in weekly.",
        "owner_agency": str(world.partner.pk),
        "due_date": str(timezone.localdate() - datetime.timedelta(days=1))}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["overdue"] is True
    assert client.get("/api/v1/actions/?mine=true").json()["results"][0]["id"] == body["id"]
    outsider = api_client_for(world.outsider_practitioner)
    assert outsider.get(f"/api/v1/actions/{body['id']}/").status_code == 404
    assert outsider.post(f"/api/v1/actions/{body['id']}/complete/", {"note": "x"},
                         format="json").status_code == 404
    done = client.post(f"/api/v1/actions/{body['id']}/complete/", {"note": "Done."},
                       format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert client.post(f"/api/v1/actions/{body['id']}/cancel/", {"note": "x"},
                       format="json").status_code == 409


def test_checklist_api_validation(world, shared_case, marac):
    client = api_client_for(world.lead_practitioner)
    partial = answers(3)
    partial.pop("q24")
    response = client.post("/api/v1/risk-checklists/", {
        "case": str(shared_case.pk), "area": str(marac.area.pk), "answers": partial},
        format="json")
    assert response.status_code == 400 and "q24" in response.json()
    ck = checklist(membership=world.lead_practitioner, case=shared_case, area=marac.area)
    assert client.get(f"/api/v1/risk-checklists/{ck.pk}/").json()["score"] == 15
