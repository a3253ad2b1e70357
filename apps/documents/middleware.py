"""Keep an uploaded file's name as sent, for the document upload paths only.

Django's multipart parser silently strips path components and control characters from a
file's name; the document rules refuse such a name instead, with a clear message
(``apps.documents.checks.check_filename``). This middleware parses the upload of those paths
before anything else reads the body, keeping the raw name; the name is only ever shown,
never used as a storage path (files are stored under their document's id).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParser

UPLOAD_PATHS = re.compile(
    r"^/(api/v1/)?cases/[0-9a-fA-F-]{36}/documents/(new/)?$")


class RawNameMultiPartParser(MultiPartParser):
    """Records each file's name as sent (``UploadedFile`` keeps only its last path part); the
    upload's ``raw_name`` carries it to the checks."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.raw_names: list[str] = []

    def sanitize_file_name(self, file_name: str) -> str | None:
        name = html.unescape(file_name)
        if name == "":
            return None
        self.raw_names.append(name)
        return name


def raw_file_name(upload: object) -> str:
    """The name the client sent for ``upload`` (with any path), else its plain name."""
    return getattr(upload, "raw_name", None) or getattr(upload, "name", "")


class RawUploadNameMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (request.method == "POST" and request.content_type == "multipart/form-data"
                and UPLOAD_PATHS.match(request.path_info) and not hasattr(request, "_post")):
            parser = RawNameMultiPartParser(request.META, request, request.upload_handlers,
                                            request.encoding)
            try:
                request._post, request._files = parser.parse()
                uploads = [f for _field, files in request._files.lists() for f in files]
                for upload, raw in zip(uploads, parser.raw_names, strict=False):
                    upload.raw_name = raw
            except Exception:  # as Django's own parse does: empty data, then the error
                request._mark_post_parse_error()
                raise
        return self.get_response(request)
