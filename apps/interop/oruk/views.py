"""The public Open Referral UK 3.0 API under ``/oruk/``: read-only, cached, CORS ``*``.

Thin: parameters are checked in ``params``, rows come from ``selectors``, shapes from
``mapping``. A bad parameter answers 400 ``{"detail", "parameter"}``; an unknown id 404."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from functools import wraps
from math import ceil
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control

from apps.interop.oruk import mapping, params, selectors
from apps.interop.oruk.params import BadParameter

log = logging.getLogger(__name__)
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": "Accept, Content-Type", "Access-Control-Max-Age": "86400"}


class NotFound(Exception):
    pass


def _uuid(value: object) -> str:
    """A path id: anything but a UUID names nothing here (404, not 500)."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError as exc:
        raise NotFound from exc


def _json(body: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False,
                        json_dumps_params={"ensure_ascii": False})


def _cache_key(request: HttpRequest) -> str:
    query = "&".join(sorted(request.GET.urlencode().split("&")))
    digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
    return f"oruk:v1:{digest}"


def _cached(key: str) -> bytes | None:
    try:
        return cache.get(key)
    except Exception:  # the directory still answers while the cache is down
        log.warning("ORUK cache unavailable for reading")
        return None


def _store(key: str, content: bytes) -> None:
    try:
        cache.set(key, content, settings.ORUK_CACHE_SECONDS)
    except Exception:
        log.warning("ORUK cache unavailable for writing")


def oruk_endpoint(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
    """GET/HEAD only; body cached for ``ORUK_CACHE_SECONDS`` (success only); CORS ``*``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
        elif request.method not in ("GET", "HEAD"):
            response = _json({"detail": "The directory is read-only: use GET."}, status=405)
            response["Allow"] = "GET, HEAD, OPTIONS"
        else:
            response = _answer(view, request, *args, **kwargs)
        for name, value in CORS.items():
            response[name] = value
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.ORUK_CACHE_SECONDS)
        return response

    return wrapper


def _answer(view: Callable[..., Any], request: HttpRequest, *args: Any,
            **kwargs: Any) -> HttpResponse:
    key = _cache_key(request)
    content = _cached(key)
    if content is not None:
        return HttpResponse(content, content_type="application/json")
    try:
        response = _json(view(request, *args, **kwargs))
    except BadParameter as error:
        return _json({"detail": error.message, "parameter": error.parameter}, status=400)
    except NotFound:
        return _json({"detail": "Not found."}, status=404)
    _store(key, response.content)
    return response


def _page(request: HttpRequest, rows: QuerySet | list,
          shape: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """ORUK's page object: total_items, total_pages, page_number, size, first_page,
    last_page, empty and contents."""
    paging = params.paging(request.GET)
    total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    start = (paging.page - 1) * paging.per_page
    contents = [shape(row) for row in rows[start:start + paging.per_page]] if start < total \
        else []
    pages = ceil(total / paging.per_page) if total else 0
    return {"total_items": total, "total_pages": pages, "page_number": paging.page,
            "size": len(contents), "first_page": paging.page == 1,
            "last_page": paging.page >= pages, "empty": total == 0, "contents": contents}


def _service_filters(request: HttpRequest) -> selectors.ServiceFilters:
    query = request.GET
    params.check_schedule(query)
    return selectors.ServiceFilters(
        search=params.text(query, "search"),
        taxonomy_term_id=params.uuid_text(query, "taxonomy_term_id"),
        taxonomy_id=params.uuid_text(query, "taxonomy_id"),
        organization_id=params.uuid_text(query, "organization_id"),
        modified_after=params.moment(query, "modified_after"),
    )


@oruk_endpoint
def index(request: HttpRequest) -> dict[str, Any]:
    return {"version": mapping.ORUK_VERSION, "profile": mapping.PROFILE_URL,
            "openapi_url": mapping.OPENAPI_URL}


@oruk_endpoint
def service_list(request: HttpRequest) -> dict[str, Any]:
    filters = _service_filters(request)
    if params.boolean(request.GET, "minimal"):
        rows = selectors.service_search(filters=filters)
        return _page(request, rows, lambda s: {"id": str(s.pk),
                                               "last_modified": mapping.timestamp(s.updated_at)})
    full = params.boolean(request.GET, "full")
    return _page(request, selectors.service_search(filters=filters),
                 mapping.service_full if full else mapping.service_summary)


@oruk_endpoint
def service_detail(request: HttpRequest, service_id: str) -> dict[str, Any]:
    service = selectors.service_published_get(service_id=_uuid(service_id))
    if service is None:
        raise NotFound
    return mapping.service_full(service)


@oruk_endpoint
def service_at_location_list(request: HttpRequest) -> dict[str, Any]:
    params.check_place(request.GET)
    filters = _service_filters(request)
    return _page(request, selectors.service_search(filters=filters),
                 mapping.service_at_location_summary)


@oruk_endpoint
def service_at_location_detail(request: HttpRequest, service_id: str) -> dict[str, Any]:
    """Each published service is delivered at one place (its area), under the service's id."""
    service = selectors.service_published_get(service_id=_uuid(service_id))
    if service is None:
        raise NotFound
    # The standard's OpenAPI file declares the fully nested service for this path while its
    # schema folder defines service_at_location: the answer is both (same id, see mapping).
    return {**mapping.service_full(service), **mapping.service_at_location_summary(service)}


@oruk_endpoint
def organization_list(request: HttpRequest) -> dict[str, Any]:
    rows = selectors.organization_search(search=params.text(request.GET, "search"))
    return _page(request, rows, mapping.organization_summary)


@oruk_endpoint
def organization_detail(request: HttpRequest, agency_id: str) -> dict[str, Any]:
    agency = selectors.organization_published_get(organization_id=_uuid(agency_id))
    if agency is None:
        raise NotFound
    services = list(selectors.published_services().filter(agency=agency).order_by("name", "id"))
    return mapping.organization_full(agency, services)


@oruk_endpoint
def taxonomy_list(request: HttpRequest) -> dict[str, Any]:
    return _page(request, [mapping.taxonomy_full(t) for t in mapping.TAXONOMIES], dict)


@oruk_endpoint
def taxonomy_detail(request: HttpRequest, taxonomy_id: str) -> dict[str, Any]:
    for taxonomy in mapping.TAXONOMIES:
        if taxonomy["id"] == str(taxonomy_id):
            return mapping.taxonomy_full(taxonomy)
    raise NotFound


@oruk_endpoint
def taxonomy_term_list(request: HttpRequest) -> dict[str, Any]:
    taxonomy_id = params.uuid_text(request.GET, "taxonomy_id")
    terms = [term for term in mapping.TAXONOMY_TERMS
             if not taxonomy_id or term["taxonomy_id"] == taxonomy_id]
    return _page(request, terms, dict)


@oruk_endpoint
def taxonomy_term_detail(request: HttpRequest, term_id: str) -> dict[str, Any]:
    for term in mapping.TAXONOMY_TERMS:
        if term["id"] == str(term_id):
            return term
    raise NotFound


@oruk_endpoint
def not_found(request: HttpRequest) -> dict[str, Any]:
    raise NotFound
