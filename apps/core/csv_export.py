"""CSV for spreadsheets: every export writes through ``csv_safe_writer``.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(…)`` can send the sheet's
data elsewhere, ``=cmd|…`` can run a program). Such text, from a free-text field, an agency
name or a username, is written with a leading single quote, so it shows as the text it is.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, value: str, /) -> Any: ...


def safe_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula.
    Anything that is not text (numbers, None) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose rows go through ``safe_cell``; ``writerow`` returns what the
    underlying file's ``write`` returned (so an echoing file can feed a streaming response)."""

    def __init__(self, file: _Writable, **fmtparams: Any) -> None:
        self._writer = csv.writer(file, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_safe_writer(file: _Writable, **fmtparams: Any) -> SafeWriter:
    """The only way to write an export: ``csv.writer`` with formula neutralising."""
    return SafeWriter(file, **fmtparams)
