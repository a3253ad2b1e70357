from rest_framework.pagination import CursorPagination


class KeysetCursorPagination(CursorPagination):
    """Keyset pagination on (created_at, id): no COUNT(*), stable under inserts."""

    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = ("-created_at", "-id")
