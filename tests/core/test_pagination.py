"""The one keyset paginator (issue 11 item 9, issue 12): a cursor or page size that a list did
not hand out answers 400, never 500, on every paginated API list (found from the URL conf, so
a new list is covered without editing this file) and on every UI list with a cursor."""

from __future__ import annotations

import base64
import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.settings import api_settings

from apps.core.pagination import (
    InvalidCursor,
    InvalidPageSize,
    encode_cursor,
    keyset_page,
    page_size_from,
)
from tests.conftest import api_client_for, client_for
from tests.factories import make_case
from tests.marac.helpers import listed, make_marac


def _b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


BAD_CURSORS = [
    "cD1ub3RhZGF0ZQ==",  # DRF's own format, "p=notadate": the 500 of issue 11 item 9
    "cj0xJnA9MjAyNi0wMS0wMQ==",  # "r=1&p=2026-01-01"
    "!!!not base64!!!",
    "bm90IGpzb24",  # "not json"
    _b64({"a": 1}),  # JSON, not a list
    _b64(["2026-01-01T00:00:00+00:00"]),  # one value short
    _b64(["notadate", "00000000-0000-0000-0000-000000000000"]),
    _b64(["2026-01-01T00:00:00", "00000000-0000-0000-0000-000000000000"]),  # no offset
    _b64(["2026-01-01T00:00:00+00:00", "not-a-uuid"]),
    _b64([1, 2]),
    _b64([None, None]),
    _b64(["2026-01-01T00:00:00+00:00\x00", "00000000-0000-0000-0000-000000000000"]),
    "x" * 5000,
    "é",
]
BAD_PAGE_SIZES = ["null", "abc", "0", "-1", "1.5", "101", "1e3", " ", "٣"]


# The API lists, from the URL conf -----------------------------------------------------------


def _api_lists() -> list[tuple[str, list[str]]]:
    """(URL name, path parameters) of every GET list action under /api/v1/ that paginates."""
    found: list[tuple[str, list[str]]] = []

    def walk(patterns, namespace: str, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, ns, prefix + str(pattern.pattern))
                continue
            assert isinstance(pattern, URLPattern)
            callback = pattern.callback
            actions = getattr(callback, "actions", None) or {}
            cls = getattr(callback, "cls", None)
            if actions.get("get") != "list" or cls is None or not pattern.name:
                continue
            groups = list(pattern.pattern.regex.groupindex)
            if "format" in groups:  # the router's ".json" twin of the same list
                continue
            if cls.pagination_class is None:
                continue
            full = f"{namespace}:{pattern.name}" if namespace else pattern.name
            found.append((full, groups))

    walk(get_resolver().url_patterns, "", "")
    return sorted(set((name, tuple(groups)) for name, groups in found))


@pytest.fixture
def api_lists_world(world, shared_case):
    """Something in every list, for the lead practitioner (a member agency of a MARAC)."""
    marac = make_marac(world)
    _ref, meeting, _item = listed(world=world, marac=marac, case=shared_case)
    for _ in range(2):
        make_case(lead=world.lead_practitioner)
    from apps.webhooks.services import endpoint_create
    from tests.factories import actor_of

    webhook, _secret = endpoint_create(actor=actor_of(world.lead_admin),
                                       url="https://93.184.215.14/hooks",
                                       events=["referral.received"])
    return {"case_id": shared_case.pk, "meeting_id": meeting.pk, "webhook_id": webhook.pk}


# Lists only an agency admin sees (everyone else: 404), asked for by the lead's admin.
ADMIN_LISTS = {"webhook-delivery-list"}


def _clients(world) -> dict[bool, object]:
    return {False: api_client_for(world.lead_practitioner),
            True: api_client_for(world.lead_admin)}


def _url(name: str, groups: tuple[str, ...], values: dict) -> str:
    missing = [g for g in groups if g not in values]
    assert not missing, f"{name}: add a value for {missing} to api_lists_world"
    return reverse(name, kwargs={g: values[g] for g in groups})


def test_every_paginated_api_list_is_found():
    names = [name for name, _groups in _api_lists()]
    # 17 lists when issue 11 was filed; a new one joins the parametrised tests below by itself.
    assert len(names) >= 17, names
    assert api_settings.DEFAULT_PAGINATION_CLASS.__name__ == "KeysetCursorPagination"


@pytest.mark.django_db
def test_bad_cursors_answer_400_on_every_api_list(world, api_lists_world):
    clients = _clients(world)
    for name, groups in _api_lists():
        client = clients[name in ADMIN_LISTS]
        url = _url(name, groups, api_lists_world)
        assert client.get(url).status_code == 200, url
        for cursor in BAD_CURSORS:
            response = client.get(url, {"cursor": cursor})
            assert response.status_code == 400, (url, cursor, response.status_code)
            assert list(response.json()) == ["cursor"], (url, cursor)


@pytest.mark.django_db
def test_bad_page_sizes_answer_400_on_every_api_list(world, api_lists_world):
    clients = _clients(world)
    for name, groups in _api_lists():
        client = clients[name in ADMIN_LISTS]
        url = _url(name, groups, api_lists_world)
        for size in BAD_PAGE_SIZES:
            response = client.get(url, {"page_size": size})
            assert response.status_code == 400, (url, size, response.status_code)
            assert list(response.json()) == ["page_size"], (url, size)
        assert client.get(url, {"page_size": ""}).status_code == 200, url  # the default
        assert client.get(url, {"page_size": "100"}).status_code == 200, url


@pytest.mark.django_db
def test_api_pages_follow_next_to_the_end(world, api_lists_world):
    client = api_client_for(world.lead_practitioner)
    first = client.get(reverse("case-list"), {"page_size": 1}).json()
    assert set(first) == {"next", "results"} and len(first["results"]) == 1
    seen = [first["results"][0]["id"]]
    following = first["next"]
    while following:
        page = client.get(following).json()
        seen += [row["id"] for row in page["results"]]
        following = page["next"]
    assert len(seen) == len(set(seen)) == 3


def test_the_schema_documents_cursor_and_page_size():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    params = {p["name"]: p for p in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]}
    assert params["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert params["cursor"]["schema"]["type"] == "string"
    page = schema["components"]["schemas"]["PaginatedCaseList"]
    assert set(page["properties"]) == {"next", "results"}


# The UI lists with a cursor -----------------------------------------------------------------


UI_LISTS = [
    ("cases:my-work", {}, "cursor", "lead_practitioner"),
    ("referrals:inbox", {}, "cursor", "lead_practitioner"),
    ("referrals:outgoing", {}, "cursor", "lead_practitioner"),
    ("notifications:list", {}, "cursor", "lead_practitioner"),
    ("people:list", {}, "after", "lead_practitioner"),
    ("audit:access-log", {}, "before", "lead_admin"),
    ("webhooks:list", {}, "after", "lead_admin"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs", "param", "who"), UI_LISTS)
def test_bad_cursors_answer_400_on_every_ui_list(world, shared_case, name, kwargs, param, who):
    client = client_for(getattr(world, who))
    url = reverse(name, kwargs=kwargs)
    assert client.get(url).status_code == 200
    for cursor in BAD_CURSORS:
        response = client.get(url, {param: cursor})
        assert response.status_code == 400, (url, cursor, response.status_code)


@pytest.mark.django_db
def test_case_access_log_and_staff_list_refuse_bad_cursors(world, shared_case):
    auditor = client_for(world.lead_admin)
    url = reverse("audit:case-access", kwargs={"case_id": shared_case.pk})
    assert auditor.get(url).status_code == 200
    assert auditor.get(url, {"before": "cD1ub3RhZGF0ZQ=="}).status_code == 400
    # The staff list keeps its 404 for a page link that is not one of its own.
    members = reverse("agencies:members")
    assert auditor.get(members, {"after": "cD1ub3RhZGF0ZQ=="}).status_code == 404


# The paginator itself -----------------------------------------------------------------------


@pytest.mark.django_db
def test_keyset_page_walks_every_row_once_in_order(world):
    cases = [make_case(lead=world.lead_practitioner) for _ in range(5)]
    from apps.cases.models import Case

    rows = Case.objects.filter(pk__in=[c.pk for c in cases])
    seen, cursor = [], None
    while True:
        page = keyset_page(rows, ordering=("-last_activity_at", "-pk"), cursor=cursor,
                           page_size=2)
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == list(rows.order_by("-last_activity_at", "-pk"))


@pytest.mark.django_db
def test_pk_cursors_carry_no_name(world):
    from apps.people.models import Person

    for name in ("Able", "Baker", "Carter"):
        make_case(lead=world.lead_practitioner, family_name=name)
    people = Person.objects.all()
    page = keyset_page(people, ordering=("family_name", "given_name", "pk"), cursor=None,
                       page_size=1, cursor_by="pk")
    decoded = base64.urlsafe_b64decode(page.next_cursor + "==").decode()
    assert "Able" not in decoded and str(page.items[0].pk) in decoded
    second = keyset_page(people, ordering=("family_name", "given_name", "pk"),
                         cursor=page.next_cursor, page_size=1, cursor_by="pk")
    assert second.items[0].family_name == "Baker"
    with pytest.raises(InvalidCursor):  # an id that is not in this list
        keyset_page(people.exclude(pk=page.items[0].pk),
                    ordering=("family_name", "given_name", "pk"),
                    cursor=page.next_cursor, page_size=1, cursor_by="pk")


def test_page_size_from():
    assert page_size_from(None, default=25, maximum=100) == 25
    assert page_size_from("", default=25, maximum=100) == 25
    assert page_size_from("7", default=25, maximum=100) == 7
    for bad in BAD_PAGE_SIZES:
        with pytest.raises(InvalidPageSize):
            page_size_from(bad, default=25, maximum=100)


def test_encode_refuses_null_ordering_values():
    with pytest.raises(ValueError):
        encode_cursor([None])
