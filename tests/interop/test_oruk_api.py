"""The public ORUK 3.0 directory: every list and detail validates against the standard's
schemas, paging and filters work, only published services of active agencies appear, bad
parameters answer 400, and the answers are public (CORS *) and cached."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from apps.agencies.models import Need, Service
from apps.interop.oruk import ids
from tests.factories import make_agency
from tests.interop.oruk_schema import (
    PAGE_KEYS,
    errors_for_path,
    errors_for_schema,
    example,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def directory(world):
    """Three published services of two agencies, one unpublished, one of an inactive agency."""
    world.partner.charity_number = "1122334"
    world.partner.save()
    idva = Service.objects.create(
        agency=world.partner, name="IDVA service", description="Independent advocates.",
        eligibility="Adults at high risk.", needs=[Need.DOMESTIC_ABUSE], area="Northbridge",
        published=True, waiting_time_days=3, capacity_note="Short waiting list")
    refuge = Service.objects.create(
        agency=world.partner, name="Refuge places", needs=[Need.HOUSING, Need.DOMESTIC_ABUSE],
        accepting_referrals=False, published=True)
    police = Service.objects.create(agency=world.lead, name="Domestic abuse unit",
                                    published=True, area="Northbridge")
    Service.objects.create(agency=world.lead, name="Unpublished desk", published=False)
    closed = make_agency(name="Closed Charity")
    closed.active = False
    closed.save()
    Service.objects.create(agency=closed, name="Gone", published=True)
    return {"idva": idva, "refuge": refuge, "police": police}


def _get(client: Client, url: str, path: str | None = None):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"
    body = response.json()
    if path:
        assert errors_for_path(path, body) == []
    return body


def test_the_standards_examples_validate_with_these_schemas():
    """The validator set-up itself: the standard's own examples pass, a broken one fails."""
    assert errors_for_path("/services", example("service_list.json")) == []
    assert errors_for_path("/services/{id}", example("service_full.json")) == []
    assert errors_for_schema("compiled/organization.json", example("organization_full.json")) \
        == []
    assert errors_for_path("/taxonomy_terms/{id}", example("taxonomy_term.json")) == []
    broken = example("service_full.json") | {"status": "open", "id": "not-a-uuid"}
    assert len(errors_for_path("/services/{id}", broken)) == 2


def test_root_describes_the_api(client):
    body = _get(client, "/oruk/", "/")
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("openapi.json")


def test_service_list_pages_and_validates(client, directory):
    body = _get(client, "/oruk/services?per_page=2", "/services")
    assert set(body) >= PAGE_KEYS
    assert [s["name"] for s in body["contents"]] == ["Domestic abuse unit", "IDVA service"]
    assert (body["total_items"], body["total_pages"], body["page_number"], body["size"]) == \
        (3, 2, 1, 2)
    assert body["first_page"] and not body["last_page"] and not body["empty"]
    second = _get(client, "/oruk/services?per_page=2&page=2", "/services")
    assert [s["name"] for s in second["contents"]] == ["Refuge places"]
    assert second["last_page"] and not second["first_page"]
    beyond = _get(client, "/oruk/services?per_page=2&page=9", "/services")
    assert beyond["contents"] == [] and beyond["size"] == 0


def test_only_published_services_of_active_agencies_are_public(client, directory):
    names = {s["name"] for s in _get(client, "/oruk/services")["contents"]}
    assert names == {"IDVA service", "Refuge places", "Domestic abuse unit"}
    Service.objects.filter(name="Unpublished desk").update(active=True)
    hidden = Service.objects.get(name="Unpublished desk")
    assert client.get(f"/oruk/services/{hidden.pk}").status_code == 404
    gone = Service.objects.get(name="Gone")
    assert client.get(f"/oruk/services/{gone.pk}").status_code == 404


def test_service_detail_carries_capacity_and_validates(client, directory):
    idva = directory["idva"]
    body = _get(client, f"/oruk/services/{idva.pk}", "/services/{id}")
    assert body["id"] == str(idva.pk) and body["status"] == "active"
    assert body["alert"] == "Accepting referrals. Typical wait: 3 days. Short waiting list."
    assert body["last_modified"].endswith("Z")
    assert "Who is eligible: Adults at high risk." in body["description"]
    terms = {a["taxonomy_term"]["name"] for a in body["attributes"]}
    assert terms == {"Domestic abuse", "Accepting referrals"}
    assert body["service_areas"][0]["name"] == "Northbridge"
    assert body["organization"]["name"] == "Safe Haven"
    assert body["contacts"] == []  # never a person
    refuge = _get(client, f"/oruk/services/{directory['refuge'].pk}", "/services/{id}")
    assert refuge["alert"].startswith("Not accepting new referrals.")


def test_full_and_minimal_lists(client, directory):
    full = _get(client, "/oruk/services?full=true", None)
    for service in full["contents"]:
        assert errors_for_path("/services/{id}", service) == []
    minimal = _get(client, "/oruk/services?minimal=true", None)
    assert set(minimal["contents"][0]) == {"id", "last_modified"}


def test_search_and_filters(client, directory):
    def names(query: str) -> set[str]:
        return {s["name"] for s in _get(client, f"/oruk/services?{query}", "/services")[
            "contents"]}

    assert names("search=advocates") == {"IDVA service"}
    assert names("search=safe+haven") == {"IDVA service", "Refuge places"}
    assert names(f"taxonomy_term_id={ids.need_term_id(Need.HOUSING)}") == {"Refuge places"}
    assert names(f"taxonomy_term_id={ids.capacity_term_id(False)}") == {"Refuge places"}
    assert names(f"taxonomy_id={ids.NEEDS_TAXONOMY_ID}") == {"IDVA service", "Refuge places"}
    assert names(f"organization_id={directory['police'].agency_id}") == {"Domestic abuse unit"}
    assert names("modified_after=2999-01-01") == set()
    assert names("modified_after=2000-01-01T00:00:00Z") == {
        "IDVA service", "Refuge places", "Domestic abuse unit"}
    assert names("day=MO&start_time=09:00&minimum_age=18") == {
        "IDVA service", "Refuge places", "Domestic abuse unit"}


@pytest.mark.parametrize("query, parameter", [
    ("page=0", "page"), ("page=x", "page"), ("per_page=1000", "per_page"),
    ("per_page=-1", "per_page"), ("taxonomy_term_id=nope", "taxonomy_term_id"),
    ("modified_after=yesterday", "modified_after"), ("minimum_age=old", "minimum_age"),
    ("day=Funday", "day"), ("start_time=25:00", "start_time"), ("full=maybe", "full"),
    ("search=" + "x" * 300, "search"),
])
def test_bad_parameters_answer_400_with_a_clear_body(client, directory, query, parameter):
    response = client.get(f"/oruk/services?{query}")
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert response.json()["detail"].startswith(parameter)
    assert response["Access-Control-Allow-Origin"] == "*"


def test_unknown_or_malformed_ids_answer_404_json(client, directory):
    for url in ("/oruk/services/not-a-uuid", "/oruk/organizations/123",
                f"/oruk/taxonomies/{directory['idva'].pk}", "/oruk/taxonomy_terms/x",
                "/oruk/service_at_locations/00000000-0000-0000-0000-000000000000"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found."}


def test_read_only_and_preflight(client, directory):
    response = client.post("/oruk/services", {})
    assert response.status_code == 405
    assert client.delete(f"/oruk/services/{directory['idva'].pk}").status_code == 405
    preflight = client.options("/oruk/services")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"


def test_organizations_list_and_detail_validate(client, directory):
    body = _get(client, "/oruk/organizations", None)
    assert set(body) >= PAGE_KEYS
    assert [o["name"] for o in body["contents"]] == ["Northbridge Police", "Safe Haven"]
    for organization in body["contents"]:
        assert errors_for_schema("compiled/organization_list.json", organization) == []
    partner = directory["idva"].agency
    detail = _get(client, f"/oruk/organizations/{partner.pk}", None)
    assert errors_for_schema("compiled/organization.json", detail) == []
    assert [s["name"] for s in detail["services"]] == ["IDVA service", "Refuge places"]
    assert detail["organization_identifiers"][0]["identifier"] == "1122334"
    assert _get(client, "/oruk/organizations?search=haven", None)["total_items"] == 1


def test_service_at_locations_validate(client, directory):
    body = _get(client, "/oruk/service_at_locations?postcode=NB1+2AB", "/service_at_locations")
    assert body["total_items"] == 3
    detail = _get(client, f"/oruk/service_at_locations/{directory['idva'].pk}",
                  "/service_at_locations/{id}")
    assert detail["service_id"] == str(directory["idva"].pk)
    assert errors_for_schema("compiled/service_at_location.json", detail) == []
    assert client.get("/oruk/service_at_locations?postcode=nowhere").status_code == 400


def test_taxonomies_and_terms_validate(client):
    body = _get(client, "/oruk/taxonomies", "/taxonomies")
    assert {t["name"] for t in body["contents"]} == {"Wraparound needs",
                                                     "Wraparound referral capacity"}
    _get(client, f"/oruk/taxonomies/{ids.NEEDS_TAXONOMY_ID}", "/taxonomies/{id}")
    terms = _get(client, "/oruk/taxonomy_terms?per_page=5", "/taxonomy_terms")
    assert terms["total_items"] == len(Need.values) + 2 and terms["size"] == 5
    term = _get(client, f"/oruk/taxonomy_terms/{ids.need_term_id(Need.HOUSING)}",
                "/taxonomy_terms/{id}")
    assert term["name"] == "Housing"


def test_answers_are_cached_and_public(client, directory, django_assert_num_queries):
    with django_assert_num_queries(2):  # count + page
        first = client.get("/oruk/services")
    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    Service.objects.filter(pk=directory["idva"].pk).update(name="Renamed")
    with django_assert_num_queries(0):
        second = client.get("/oruk/services")
    assert second.content == first.content
    cache.clear()
    assert "Renamed" in client.get("/oruk/services").content.decode()


def test_signed_in_user_without_two_factor_still_reads_it(world, directory):
    from tests.conftest import client_for

    response = client_for(world.lead_practitioner).get("/oruk/services")
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_validator_crawl_of_the_live_server_finds_no_errors(live_server, world):
    """Like the ORUK validator: over real HTTP, every list page by page (per_page=2), and
    every detail each list names, checked against the standard's schemas."""
    import requests

    for index in range(5):
        Service.objects.create(agency=world.partner if index % 2 else world.lead,
                               name=f"Service {index}", needs=[Need.HOUSING],
                               area="Northbridge", published=True, waiting_time_days=index)
    cache.clear()
    base = f"{live_server.url}/oruk"
    lists = {"/services": "/services/{id}", "/service_at_locations": "/service_at_locations/{id}",
             "/organizations": "/organizations/{id}", "/taxonomies": "/taxonomies/{id}",
             "/taxonomy_terms": "/taxonomy_terms/{id}"}
    item_schema = {"/organizations": "compiled/organization_list.json"}
    detail_schema = {"/organizations/{id}": "compiled/organization.json"}
    checked, errors = 0, []
    assert errors_for_path("/", requests.get(f"{base}/", timeout=10).json()) == []
    for list_path, detail_path in lists.items():
        page, pages = 1, 1
        while page <= pages:
            response = requests.get(f"{base}{list_path}?page={page}&per_page=2", timeout=10)
            assert response.status_code == 200 and response.headers[
                "Access-Control-Allow-Origin"] == "*"
            body = response.json()
            assert set(body) >= PAGE_KEYS and body["page_number"] == page
            if list_path in item_schema:
                errors += [e for item in body["contents"]
                           for e in errors_for_schema(item_schema[list_path], item)]
            else:
                errors += errors_for_path(list_path, body)
            for item in body["contents"]:
                detail = requests.get(f"{base}{detail_path.format(id=item['id'])}",
                                      timeout=10).json()
                errors += (errors_for_schema(detail_schema[detail_path], detail)
                           if detail_path in detail_schema
                           else errors_for_path(detail_path, detail))
                checked += 1
            pages = body["total_pages"]
            page += 1
    assert errors == []
    assert checked == 5 + 5 + 2 + 2 + len(Need.values) + 2


def test_the_directory_answers_while_the_cache_is_down(client, directory, settings):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
        "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1}}}
    response = client.get("/oruk/services")
    assert response.status_code == 200 and response.json()["total_items"] == 3
