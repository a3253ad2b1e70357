"""Request hygiene shared by the web pages and the API."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.defaults import bad_request

NUL = "\x00"
NUL_MESSAGE = "The request contains a NUL character (0x00), which is never valid input."
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Never personal data: left to their own caching rules.
CACHEABLE_PREFIXES = ("/healthz", "/oruk/")


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _has_nul(pairs: Iterable[tuple[str, list]]) -> bool:
    for key, values in pairs:
        if NUL in key:
            return True
        for value in values:
            if isinstance(value, str) and NUL in value:
                return True
    return False


def _request_has_nul(request: HttpRequest) -> bool:
    if NUL in request.path:
        return True
    if _has_nul(request.GET.lists()):
        return True
    if request.method == "POST" and request.content_type in FORM_TYPES:
        return _has_nul(request.POST.lists())
    return False


class RejectNulMiddleware:
    """A NUL character in the path, a query parameter or a form field answers 400.

    PostgreSQL cannot store or compare NUL, so such input would otherwise reach a filter and
    fail as a 500. Web pages get the plain 400 page; the API its JSON error body. JSON bodies
    are checked by the API's parser (``apps.core.api.parsers.SafeJSONParser``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _request_has_nul(request):
            if is_api(request):
                return JsonResponse({"detail": NUL_MESSAGE}, status=400)
            return bad_request(request, SuspiciousOperation("NUL in request"))
        return self.get_response(request)


class ApiJsonErrorsMiddleware:
    """Errors under ``/api/v1/`` are JSON (``{"detail": …}``) like every other API answer,
    also where Django answers before DRF: a path no route matches (e.g. a malformed id) is
    a JSON 404, not the HTML page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (response.status_code >= 400 and request.path_info.startswith("/api/v1/")
                and not response.get("Content-Type", "").startswith("application/json")):
            return JsonResponse({"detail": _reason(response)}, status=response.status_code)
        return response


def _reason(response: HttpResponse) -> str:
    return "Not found." if response.status_code == 404 else f"{response.reason_phrase}."


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every API response and every response to a signed-in
    user: personal data must not sit in shared or browser caches. Static files, the health
    check and the public directory keep their own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        path = request.path_info
        if path.startswith((settings.STATIC_URL, *CACHEABLE_PREFIXES)):
            return response
        user = getattr(request, "user", None)
        if is_api(request) or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True)
        return response
