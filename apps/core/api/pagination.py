"""The API's paginator: ``apps.core.pagination.keyset_page`` behind DRF's pagination interface.

Every list answers ``{"next": <url or null>, "results": [...]}``. ``?cursor=`` is the opaque
cursor of the previous answer's ``next``; ``?page_size=`` a whole number from 1 to
``max_page_size`` (default ``page_size``). A cursor this list did not hand out, or any other
page size (``null``, ``abc``, ``0``, ``101``), answers 400 with the field's error, never 500.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from apps.core.pagination import keyset_page, page_size_from


class KeysetCursorPagination(BasePagination):
    """Keyset pagination on ``ordering`` (default (created_at, id), newest first): no COUNT(*),
    stable under inserts. Subclasses set ``ordering``; it must end in the id."""

    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    ordering: tuple[str, ...] = ("-created_at", "-id")

    def paginate_queryset(self, queryset: QuerySet, request: Request,
                          view: Any = None) -> list:
        self.request = request
        params = request.query_params
        size = page_size_from(params.get(self.page_size_query_param), default=self.page_size,
                              maximum=self.max_page_size)
        page = keyset_page(queryset, ordering=self.ordering,
                           cursor=params.get(self.cursor_query_param), page_size=size)
        self.next_cursor = page.next_cursor
        return page.items

    def get_next_link(self) -> str | None:
        if self.next_cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param,
                                   self.next_cursor)

    def get_paginated_response(self, data: list) -> Response:
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri",
                         "description": "The next page, or null on the last page."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query",
             "description": "The opaque cursor from the previous page's `next` (400 when it "
                            "is not one this list handed out).",
             "schema": {"type": "string", "maxLength": 512}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"Rows per page, 1 to {self.max_page_size} (default "
                            f"{self.page_size}); anything else answers 400.",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
        ]
