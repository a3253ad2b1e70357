"""Subject access: an agency admin opens a request; the bundle holds what THAT agency holds
or received about the person, marks others' entries for review; release is recorded."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.utils import timezone

from apps.agencies.models import Role
from apps.audit.models import AccessEvent
from apps.cases.services import case_note_add
from apps.documents import services as documents
from apps.records import services
from apps.records.models import SarStatus, SubjectAccessRequest
from tests.conftest import api_client_for, client_for
from tests.documents.helpers import pdf_bytes
from tests.factories import actor_of, make_case, make_member

pytestmark = pytest.mark.django_db
URL = "/api/v1/subject-access-requests/"


@pytest.fixture
def partner_admin(world):
    return make_member(agency=world.partner, role=Role.AGENCY_ADMIN)


def _content(world, case, clamd) -> None:
    case_note_add(actor=actor_of(world.lead_practitioner), case=case,
                  text="Police: attended the address.")
    case_note_add(actor=actor_of(world.lead_practitioner), case=case,
                  text="Police only: intelligence.", visibility="agency")
    case_note_add(actor=actor_of(world.partner_practitioner), case=case,
                  text="IDVA: safety plan agreed.")
    document = documents.document_upload(
        actor=actor_of(world.partner_practitioner), case=case, upload=io.BytesIO(pdf_bytes()),
        filename="consent.pdf", title="Signed consent form")
    documents.document_scan(document_id=document.pk)


def test_partner_admin_gets_a_bundle_of_what_their_agency_holds(
        world, shared_case, partner_admin, clamd, document_root):
    _content(world, shared_case, clamd)
    client = api_client_for(partner_admin)
    received = timezone.localdate() - datetime.timedelta(days=3)
    response = client.post(URL, {"person": str(shared_case.subject_id),
                                 "received_on": received.isoformat()})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "assembling" and body["bundle_url"] is None
    sar = SubjectAccessRequest.objects.get(pk=body["id"])
    assert sar.due_on.month in ((received.month % 12) + 1,) and sar.due_on.day <= received.day
    assert services.sar_assemble(sar_id=sar.pk) == SarStatus.READY
    body = client.get(f"{URL}{sar.pk}/").json()
    notes = body["summary"]["notes"]
    assert notes["entries"] >= 2 and notes["to_review"] == notes["entries"]
    response = client.get(body["bundle_url"])
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"data.json", "report.pdf", "csv/notes.csv", "csv/access_log.csv"} <= names
    assert any(name.startswith("files/") and name.endswith("consent.pdf") for name in names)
    data = json.loads(archive.read("data.json"))
    texts = {note["text"]: note["review"] for note in data["notes"]}
    assert "Police only: intelligence." not in texts  # another agency's private note
    assert any("Another agency" in r for r in texts["Police: attended the address."])
    assert not any("Another agency" in r for r in texts["IDVA: safety plan agreed."])
    assert data["person"][0]["family_name"] == shared_case.subject.family_name
    assert data["access_log"] and all(e["case"] == shared_case.reference
                                      for e in data["access_log"])
    assert AccessEvent.objects.filter(object_type="subject_access_bundle", object_id=sar.pk,
                                      action="download").count() == 1
    # Release is recorded once.
    response = client.post(f"{URL}{sar.pk}/release/", {"note": "Redacted bundle posted."})
    assert response.status_code == 200 and response.json()["status"] == "released"
    assert client.post(f"{URL}{sar.pk}/release/", {"note": "Again"}).status_code == 409


def test_only_the_agencys_admins_see_its_requests(world, shared_case, partner_admin,
                                                  document_root):
    sar = services.sar_open(actor=actor_of(partner_admin), person=shared_case.subject,
                            received_on=timezone.localdate())
    services.sar_assemble(sar_id=sar.pk)
    outsider_admin = make_member(agency=world.outsider, role=Role.AGENCY_ADMIN)
    for membership in (outsider_admin, world.lead_admin, world.partner_practitioner,
                       world.partner_manager):
        client = api_client_for(membership)
        assert client.get(URL).json()["results"] == []
        assert client.get(f"{URL}{sar.pk}/").status_code == 404
        assert client.get(f"{URL}{sar.pk}/bundle/").status_code == 404
        assert client.post(f"{URL}{sar.pk}/release/", {"note": "x"}).status_code == 404
        browser = client_for(membership)
        assert browser.get(f"/records/subject-access/{sar.pk}/").status_code == 404
        assert browser.get(f"/records/subject-access/{sar.pk}/bundle/").status_code == 404
    sar.refresh_from_db()
    assert sar.status == SarStatus.READY and sar.released_at is None


def test_an_admin_cannot_open_a_request_for_someone_their_agency_never_held(
        world, partner_admin, document_root):
    elsewhere = make_case(lead=world.outsider_practitioner)
    client = api_client_for(partner_admin)
    response = client.post(URL, {"person": str(elsewhere.subject_id),
                                 "received_on": timezone.localdate().isoformat()})
    assert response.status_code == 400 and "person" in response.json()
    practitioner = api_client_for(world.partner_practitioner)
    response = practitioner.post(URL, {"person": str(elsewhere.subject_id),
                                       "received_on": timezone.localdate().isoformat()})
    assert response.status_code == 403
    assert not SubjectAccessRequest.objects.exists()


def test_bad_input_is_a_400(world, shared_case, partner_admin, document_root):
    client = api_client_for(partner_admin)
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert client.post(URL, {"person": str(shared_case.subject_id),
                             "received_on": future}).status_code == 400
    response = client.post(URL, {"person": str(shared_case.subject_id),
                                 "received_on": timezone.localdate().isoformat(),
                                 "requester_kind": "representative"})
    assert response.status_code == 400 and "requester_details" in response.json()
    assert not SubjectAccessRequest.objects.exists()


def test_due_date_is_one_calendar_month_later():
    assert services.due_date(datetime.date(2026, 1, 31)) == datetime.date(2026, 2, 28)
    assert services.due_date(datetime.date(2026, 3, 15)) == datetime.date(2026, 4, 15)


def test_broker_down_the_sweep_republishes_the_assembly(world, shared_case, partner_admin,
                                                        document_root):
    sar = services.sar_open(actor=actor_of(partner_admin), person=shared_case.subject,
                            received_on=timezone.localdate())
    SubjectAccessRequest.objects.filter(pk=sar.pk).update(
        assemble_next_at=timezone.now() - datetime.timedelta(minutes=1))
    assert services.sar_sweep() == 1
    sar.refresh_from_db()
    assert sar.assemble_attempts == 1 and sar.status == SarStatus.ASSEMBLING


def test_browser_journey(world, shared_case, partner_admin, document_root):
    client = client_for(partner_admin)
    assert client.get("/records/subject-access/").status_code == 200
    family = shared_case.subject.family_name
    page = client.get("/records/subject-access/new/", {"q": family})
    assert str(shared_case.subject_id) in page.content.decode()
    response = client.post(f"/records/subject-access/new/?person={shared_case.subject_id}",
                           {"person": str(shared_case.subject_id), "received_on": "",
                            "requester_kind": "person"})
    assert response.status_code == 400
    assert "Enter the date the request was received" in response.content.decode()
    response = client.post("/records/subject-access/new/", {
        "person": str(shared_case.subject_id),
        "received_on": timezone.localdate().isoformat(), "requester_kind": "person"})
    assert response.status_code == 302
    sar = SubjectAccessRequest.objects.get()
    services.sar_assemble(sar_id=sar.pk)
    page = client.get(f"/records/subject-access/{sar.pk}/").content.decode()
    assert "Download the bundle" in page and "Record the release" in page
    assert client.get(f"/records/subject-access/{sar.pk}/bundle/").status_code == 200
    response = client.post(f"/records/subject-access/{sar.pk}/", {"note": ""})
    assert response.status_code == 400
    response = client.post(f"/records/subject-access/{sar.pk}/", {"note": "Posted."})
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.status == SarStatus.RELEASED and sar.released_by == partner_admin.user
    assert client_for(world.partner_practitioner).get(
        "/records/subject-access/").status_code == 404


def test_a_marac_only_agencys_bundle_holds_no_chronology_it_never_received(
        world, shared_case, clamd, document_root):
    from apps.cases.services import involvement_add

    _content(world, shared_case, clamd)
    involvement_add(actor=actor_of(world.lead_manager), case=shared_case,
                    agency=world.outsider, basis="Listed at MARAC.", role="marac")
    admin = make_member(agency=world.outsider, role=Role.AGENCY_ADMIN)
    sar = services.sar_open(actor=actor_of(admin), person=shared_case.subject,
                            received_on=timezone.localdate())
    services.sar_assemble(sar_id=sar.pk)
    sar.refresh_from_db()
    from apps.documents.storage import document_storage

    with document_storage().open(sar.bundle_key, "rb") as stream:
        archive = zipfile.ZipFile(io.BytesIO(stream.read()))
    data = json.loads(archive.read("data.json"))
    assert data["notes"] == [] and data["documents"] == []
    assert data["cases"][0]["summary"] == ""
    assert "postcode" not in data["person"][0]
    assert not any(name.startswith("files/") for name in archive.namelist())
