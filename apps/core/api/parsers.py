"""The API's only request parser: JSON, with limits on size, nesting and NUL characters."""

from __future__ import annotations

import codecs
from typing import Any

from django.conf import settings
from rest_framework import renderers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.utils import json

MAX_DEPTH = 32


def _too_large_message(limit: int) -> str:
    return f"The request body is larger than the limit of {limit:,} bytes."


DEPTH_MESSAGE = f"The JSON is nested too deeply (at most {MAX_DEPTH} levels)."
NUL_MESSAGE = "JSON strings must not contain NUL characters (\\u0000)."


def check_json(data: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """Refuse nesting deeper than ``max_depth`` and NUL in any string or key (iteratively)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ParseError(NUL_MESSAGE)
        elif isinstance(value, dict | list):
            if depth > max_depth:
                raise ParseError(DEPTH_MESSAGE)
            if isinstance(value, dict):
                for key, item in value.items():
                    if "\x00" in key:
                        raise ParseError(NUL_MESSAGE)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


class SafeJSONParser(BaseParser):
    """DRF's JSON parser, plus: a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``, nesting
    deeper than 32 levels, or a NUL character in a string answers 400 with a clear message
    instead of reaching the database (or the recursion limit) as a 500.

    Not a subclass of DRF's ``JSONParser``: DRF reads ``request.body`` for those (which raises
    Django's ``RequestDataTooBig``); this one reads the stream itself, at most the limit.
    """

    media_type = "application/json"
    renderer_class = renderers.JSONRenderer
    strict = True

    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: dict | None = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = parser_context.get("request")
        if limit is not None and request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                raise ParseError(_too_large_message(limit))
        body = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(body) > limit:
            raise ParseError(_too_large_message(limit))
        try:
            text = codecs.decode(body, encoding)
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError as exc:
            raise ParseError(DEPTH_MESSAGE) from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        check_json(data)
        return data
