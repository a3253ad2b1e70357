"""The one keyset paginator, for UI pages and (through ``apps.core.api.pagination``) the API.

``keyset_page(queryset, ordering=..., cursor=..., page_size=...)`` returns a ``Page`` of at
most ``page_size`` rows and the opaque cursor of the next page (``None`` on the last page).
It runs one query (``LIMIT page_size + 1``), never a ``COUNT(*)``, and is stable while rows are
added. The ordering must end in a unique field (``-id`` / ``pk``) and name non-null fields.

Cursors are opaque strings. Two kinds:

* ``cursor_by="values"`` (the default): urlsafe base64 of the last row's ordering values
  (times and ids, e.g. ``(last_activity_at, id)``), so the next page is one indexed query.
* ``cursor_by="pk"``: the last row's id only, for lists ordered by a name (people, staff):
  a name must never reach a URL, and base64 is not encryption. The next page looks the
  row's ordering values up first (one extra query, on the primary key).

A cursor that does not decode, whose values do not fit the ordering fields, or whose row is
not in the queryset raises ``InvalidCursor`` (a ``ServiceError`` on the ``cursor`` field):
the API answers 400 ``{"cursor": [...]}`` (the API exception handler maps every
``ServiceError``) and a UI page 400 (it is also Django's ``BadRequest``), never 500.
``page_size_from`` parses a requested page size the same way for every list.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import BadRequest, FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet

from apps.core.exceptions import ServiceError

MAX_CURSOR_LENGTH = 512


class InvalidCursor(ServiceError, BadRequest):
    """A ``cursor`` that this list did not hand out: 400 in the API and in the UI."""

    def __init__(self, message: str = "This page link is not valid. Start again from the "
                                      "first page.") -> None:
        super().__init__(message, field="cursor")


class InvalidPageSize(ServiceError, BadRequest):
    def __init__(self, maximum: int) -> None:
        super().__init__(f"Enter a whole number from 1 to {maximum}.", field="page_size")


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows and the cursor of the next page (None on the last)."""

    items: list
    next_cursor: str | None


def page_size_from(value: str | None, *, default: int, maximum: int) -> int:
    """The page size asked for: absent or empty means ``default``; anything but a whole number
    from 1 to ``maximum`` (``null``, ``abc``, ``0``, ``-1``, ``1.5``, ``101``) is refused."""
    if value is None or value == "":
        return default
    text = str(value).strip()
    if not text.isascii() or not text.isdigit():
        raise InvalidPageSize(maximum)
    size = int(text)
    if not 1 <= size <= maximum:
        raise InvalidPageSize(maximum)
    return size


# Ordering -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Key:
    path: str  # a lookup path, e.g. "created_at", "pk", "user__username"
    descending: bool
    field: models.Field


def _field(model: type[models.Model], path: str) -> models.Field:
    parts = path.split("__")
    for i, name in enumerate(parts):
        if name == "pk":
            field = model._meta.pk
        else:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist as exc:  # pragma: no cover - a programming error
                raise ValueError(f"Cannot page {model.__name__} by {path!r}") from exc
        if i < len(parts) - 1:
            model = field.related_model
    return field


def _keys(queryset: QuerySet, ordering: Sequence[str]) -> list[_Key]:
    keys = []
    for term in ordering:
        path = term.lstrip("-")
        keys.append(_Key(path=path, descending=term.startswith("-"),
                         field=_field(queryset.model, path)))
    return keys


def _value_of(row: models.Model, path: str) -> Any:
    value: Any = row
    for name in path.split("__"):
        value = getattr(value, name)
    return value


def _after(keys: list[_Key], values: Sequence[Any]) -> Q:
    """Rows after ``values`` in the ordering: (a < x) or (a = x and b < y) or …"""
    condition = Q()
    equal: dict[str, Any] = {}
    for key, value in zip(keys, values, strict=True):
        step = Q(**equal, **{f"{key.path}__{'lt' if key.descending else 'gt'}": value})
        condition = step if not condition else condition | step
        equal[key.path] = value
    return condition


# Cursors -----------------------------------------------------------------------------------


def _to_text(value: Any) -> str:
    if value is None:
        raise ValueError("Keyset ordering fields must not be null")
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_to_text(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _typed(field: models.Field, text: Any) -> Any:
    if not isinstance(text, str) or "\x00" in text:
        raise InvalidCursor()
    target = field.target_field if field.is_relation else field
    try:
        value = target.to_python(text)
    except (ValidationError, ValueError, TypeError, OverflowError) as exc:
        raise InvalidCursor() from exc
    if value is None:
        raise InvalidCursor()
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        raise InvalidCursor()  # every cursor we hand out carries its offset
    return value


def decode_cursor(cursor: str, *, fields: Sequence[models.Field]) -> list[Any]:
    """The typed values of a cursor, or ``InvalidCursor``."""
    if len(cursor) > MAX_CURSOR_LENGTH or not cursor.isascii():
        raise InvalidCursor()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        texts = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor() from exc
    if not isinstance(texts, list) or len(texts) != len(fields):
        raise InvalidCursor()
    return [_typed(field, text) for field, text in zip(fields, texts, strict=True)]


# The paginator -----------------------------------------------------------------------------


def keyset_page(queryset: QuerySet, *, ordering: Sequence[str], cursor: str | None,
                page_size: int, cursor_by: Literal["values", "pk"] = "values") -> Page:
    """A page of ``queryset`` in ``ordering``, after ``cursor`` (see the module docstring)."""
    keys = _keys(queryset, ordering)
    rows = queryset
    if cursor:
        if cursor_by == "pk":
            (pk,) = decode_cursor(cursor, fields=[queryset.model._meta.pk])
            values = queryset.filter(pk=pk).values_list(*[k.path for k in keys]).first()
            if values is None:
                raise InvalidCursor()
        else:
            values = decode_cursor(cursor, fields=[k.field for k in keys])
        rows = rows.filter(_after(keys, values))
    items = list(rows.order_by(*ordering)[: page_size + 1])
    next_cursor = None
    if len(items) > page_size:
        last = items[page_size - 1]
        next_cursor = (encode_cursor([last.pk]) if cursor_by == "pk"
                       else encode_cursor([_value_of(last, k.path) for k in keys]))
    return Page(items=items[:page_size], next_cursor=next_cursor)
