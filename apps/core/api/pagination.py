from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination


class KeysetCursorPagination(CursorPagination):
    """Keyset pagination on (created_at, id): no COUNT(*), stable under inserts."""

    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = ("-created_at", "-id")

    def get_page_size(self, request):
        """``?page_size=`` must be a whole number (the schema says integer): ``null`` or
        ``abc`` answer 400 instead of being silently ignored."""
        value = request.query_params.get(self.page_size_query_param)
        if value is not None:
            try:
                int(value)
            except ValueError:
                raise ValidationError(
                    {self.page_size_query_param: ["Enter a whole number."]}) from None
        return super().get_page_size(request)
