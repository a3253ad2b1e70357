"""Validate ORUK answers with ``jsonschema`` against the standard's own files, offline.

The standard (``OpenReferralUK/uk-profile``: ``schema/`` and ``examples/``) sits unchanged in
``tests/interop/oruk_standard`` (a copy of the Open Referral UK 3.0 schemas and examples, so the
tests need nothing outside the checkout; ``WRAPAROUND_ORUK_STANDARD`` overrides).
Its OpenAPI file refers to the schemas by their GitHub URLs; a ``referencing`` registry maps
every such URL to the local file, so nothing is fetched."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

STANDARD = Path(os.environ.get("WRAPAROUND_ORUK_STANDARD",
                               Path(__file__).resolve().parent / "oruk_standard"))
REMOTE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
OPENAPI = f"{REMOTE}openapi.json"


def _load(path: Path) -> Any:
    return json.loads(path.read_text())


@cache
def registry() -> Registry:
    schema_dir = STANDARD / "schema"
    assert schema_dir.is_dir(), f"The ORUK standard is missing: {schema_dir}"
    resources = []
    for path in [*schema_dir.glob("*.json"), *(schema_dir / "compiled").glob("*.json")]:
        relative = path.relative_to(schema_dir).as_posix()
        resources.append((f"{REMOTE}{relative}", DRAFT202012.create_resource(_load(path))))
    return Registry().with_resources(resources)


def _validator(ref: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": ref}, registry=registry(),
                                format_checker=FormatChecker())


def _pointer(path: str) -> str:
    escaped = path.replace("~", "~0").replace("/", "~1")
    return f"{OPENAPI}#/paths/{escaped}/get/responses/200/content/application~1json/schema"


def errors_for_path(path: str, body: Any) -> list[str]:
    """Every error of ``body`` against the response the OpenAPI file defines for ``path``."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in _validator(_pointer(path)).iter_errors(body)]


def errors_for_schema(relative: str, body: Any) -> list[str]:
    """Errors of ``body`` against one schema file, e.g. ``compiled/organization.json``."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in _validator(f"{REMOTE}{relative}").iter_errors(body)]


PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page",
             "empty", "contents"}


def example(name: str) -> Any:
    return _load(STANDARD / "examples" / name)
