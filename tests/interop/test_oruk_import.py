"""Importing another ORUK feed: staged for review (nothing live until applied), created or
updated by ORUK id, local edits never silently overwritten; from a file or from a real HTTP
server on 127.0.0.1; agency admins only."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.agencies.models import Need, Service
from apps.agencies.service_services import service_update
from apps.interop.models import StagedService, StagedState
from apps.interop.oruk import ids
from tests.conftest import client_for
from tests.factories import actor_of, make_member
from tests.interop.oruk_schema import example

pytestmark = pytest.mark.django_db

IDS = [str(uuid.uuid4()) for _ in range(3)]


def feed_service(index: int, **extra) -> dict:
    return {"id": IDS[index], "name": f"Outreach {index}", "status": "active",
            "description": f"Outreach service number {index}.",
            "service_areas": [{"id": str(uuid.uuid4()), "name": "Northbridge"}],
            "attributes": [{"id": str(uuid.uuid4()), "link_id": IDS[index],
                            "taxonomy_term_id": ids.need_term_id(Need.HOUSING)}], **extra}


class Feed:
    """A real ORUK server on 127.0.0.1 (port 0): ``/api/services`` in pages of two."""

    def __init__(self, services: list[dict]) -> None:
        self.services = services
        self.requests: list[str] = []
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                feed.requests.append(self.path)
                parts = urlsplit(self.path)
                if parts.path != "/api/services":
                    self.send_response(404)
                    self.end_headers()
                    return
                page = int(parse_qs(parts.query).get("page", ["1"])[0])
                rows = feed.services[(page - 1) * 2: page * 2]
                pages = max(1, -(-len(feed.services) // 2))
                body = json.dumps({"total_items": len(feed.services), "total_pages": pages,
                                   "page_number": page, "size": len(rows),
                                   "first_page": page == 1, "last_page": page == pages,
                                   "empty": not feed.services, "contents": rows}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Feed:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def partner_admin(world):
    return make_member(agency=world.partner, role="agency_admin")


def pending(agency) -> list[StagedService]:
    return list(StagedService.objects.filter(agency=agency, state=StagedState.PENDING)
                .order_by("values__name"))


def test_url_import_reads_every_page_and_stages_without_going_live(world, capsys):
    with Feed([feed_service(0), feed_service(1), feed_service(2)]) as feed:
        call_command("oruk_import", agency="Safe Haven", url=feed.url)
    assert [r.split("?")[0] for r in feed.requests] == ["/api/services"] * 2
    assert "3 new, 0 changed" in capsys.readouterr().out
    staged = pending(world.partner)
    assert [s.values["name"] for s in staged] == ["Outreach 0", "Outreach 1", "Outreach 2"]
    assert staged[0].values["needs"] == [Need.HOUSING] and staged[0].values["area"] == \
        "Northbridge"
    assert not Service.objects.filter(agency=world.partner).exists()  # nothing live yet


def test_file_import_with_the_standards_example(world, tmp_path, capsys):
    path = tmp_path / "services.json"
    path.write_text(json.dumps(example("service_list.json")))
    call_command("oruk_import", agency="Safe Haven", file=str(path))
    assert [s.values["name"] for s in pending(world.partner)] == ["Community Counselling"]
    with pytest.raises(CommandError, match="not valid JSON"):
        path.write_text("{nope")
        call_command("oruk_import", agency="Safe Haven", file=str(path))
    with pytest.raises(CommandError, match="No active agency"):
        call_command("oruk_import", agency="Nobody", file=str(path))


def test_admin_reviews_applies_and_reimport_respects_local_edits(world, partner_admin):
    client = client_for(partner_admin)
    with Feed([feed_service(0), feed_service(1)]) as feed:
        response = client.post("/services/import/", {"url": feed.url})
        assert response.status_code == 302
        page = client.get("/services/import/")
        assert b"Outreach 0" in page.content and b"Outreach 1" in page.content
        first, second = pending(world.partner)
        review = client.get(f"/services/import/{first.pk}/")
        assert review.status_code == 200 and b"Apply to our directory" in review.content
        assert client.post(f"/services/import/{first.pk}/apply/").status_code == 302
        assert client.post(f"/services/import/{second.pk}/reject/").status_code == 302
        service = Service.objects.get(agency=world.partner, oruk_id=IDS[0])
        assert (service.name, service.active, service.published) == ("Outreach 0", True, False)
        assert not Service.objects.filter(oruk_id=IDS[1]).exists()

        # The same feed again: the applied service is unchanged, nothing to review for it.
        client.post("/services/import/", {"url": feed.url})
        assert [s.oruk_id for s in pending(world.partner)] == [IDS[1]]

        # Changed here, then changed in the feed: staged with a warning, never silently applied.
        service_update(actor=actor_of(partner_admin), service=service,
                       data={"description": "Our own wording."})
        feed.services[0] = feed_service(0, description="The feed's new wording.")
        client.post("/services/import/", {"url": feed.url})
    staged = StagedService.objects.get(agency=world.partner, oruk_id=IDS[0],
                                       state=StagedState.PENDING)
    assert staged.local_edits and staged.service_id == service.pk
    review = client.get(f"/services/import/{staged.pk}/")
    assert b"Someone changed this service here" in review.content
    assert b"Our own wording." in review.content and b"The feed&#x27;s new wording." in \
        review.content
    refused = client.post(f"/services/import/{staged.pk}/apply/")
    assert refused.status_code == 400 and b"was changed here since" in refused.content
    service.refresh_from_db()
    assert service.description == "Our own wording."
    assert client.post(f"/services/import/{staged.pk}/apply/",
                       {"overwrite_local_edits": "on"}).status_code == 302
    service.refresh_from_db()
    assert service.description == "The feed's new wording."


def test_bad_feeds_answer_form_errors(world, partner_admin):
    client = client_for(partner_admin)
    upload = SimpleUploadedFile("feed.json", b"not json", content_type="application/json")
    response = client.post("/services/import/", {"file": upload})
    assert response.status_code == 400 and b"The feed is not valid JSON." in response.content
    response = client.post("/services/import/", {"url": "http://127.0.0.1:9/api"})
    assert response.status_code == 400 and b"could not be reached" in response.content
    response = client.post("/services/import/", {})
    assert response.status_code == 400 and b"web address or choose a file" in response.content
    with Feed([{"id": IDS[0]}, feed_service(1)]) as feed:
        response = client.post("/services/import/", {"url": feed.url}, follow=True)
    assert b"Skipped: Service" in response.content
    assert [s.oruk_id for s in pending(world.partner)] == [IDS[1]]


def test_only_the_agencys_admins_import_and_review(world, partner_admin, tmp_path):
    path = tmp_path / "services.json"
    path.write_text(json.dumps([feed_service(0)]))
    call_command("oruk_import", agency="Safe Haven", file=str(path))
    staged = pending(world.partner)[0]
    for member in (world.partner_practitioner, world.partner_manager, world.lead_admin):
        client = client_for(member)
        assert client.get(f"/services/import/{staged.pk}/").status_code == 404
        assert client.post(f"/services/import/{staged.pk}/apply/").status_code == 404
        assert client.post(f"/services/import/{staged.pk}/reject/").status_code == 404
    assert client_for(world.partner_practitioner).get("/services/import/").status_code == 404
    staged.refresh_from_db()
    assert staged.state == StagedState.PENDING
    assert not Service.objects.filter(oruk_id=IDS[0]).exists()
