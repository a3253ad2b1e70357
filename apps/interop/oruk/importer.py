"""Reading another Open Referral UK feed: a JSON file, or an ORUK API by URL (every page).

Returns the feed's services as plain dicts, mapped to Wraparound's fields by ``map_service``.
Written here rather than with a client library because ORUK publishes no Python client; the
HTTP is ``requests`` with a timeout, a size limit and a page limit."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests
from django.conf import settings

from apps.agencies.models import Need
from apps.interop.oruk import ids

MAX_PAGES = 100
PER_PAGE = 100
STATUSES = {"active", "inactive", "defunct", "temporarily closed"}
IMPORTED_FIELDS = ("name", "description", "area", "needs", "accepting_referrals",
                   "capacity_note", "active")
NEED_BY_TERM = {ids.need_term_id(code): code for code in Need.values}
NEED_BY_NAME = {**{code: code for code in Need.values},
                **{label.lower(): code for code, label in Need.choices}}


class FeedError(Exception):
    """The feed could not be read; the message says why, in words for an agency admin."""


@dataclass
class Feed:
    services: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def fingerprint(values: dict[str, Any]) -> str:
    """A hash of the imported fields, to tell later whether someone changed them here."""
    picked = {name: values.get(name) for name in IMPORTED_FIELDS}
    return hashlib.sha256(json.dumps(picked, sort_keys=True, default=str).encode()).hexdigest()


def _needs(raw: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for attribute in raw.get("attributes") or []:
        if not isinstance(attribute, dict):
            continue
        term = attribute.get("taxonomy_term") if isinstance(attribute.get("taxonomy_term"),
                                                            dict) else {}
        code = (NEED_BY_TERM.get(str(attribute.get("taxonomy_term_id", "")))
                or NEED_BY_NAME.get(str(term.get("term", "")).lower())
                or NEED_BY_NAME.get(str(term.get("name", "")).lower()))
        if code and code not in found:
            found.append(code)
    return found


def _accepting(raw: dict[str, Any]) -> bool:
    for attribute in raw.get("attributes") or []:
        if isinstance(attribute, dict):
            term_id = str(attribute.get("taxonomy_term_id", ""))
            if term_id == ids.capacity_term_id(False):
                return False
    return raw.get("status") == "active"


def map_service(raw: Any) -> tuple[dict[str, Any] | None, str]:
    """The Wraparound fields of one ORUK service, or ``(None, problem)``."""
    if not isinstance(raw, dict):
        return None, "An entry is not an object."
    oruk_id, name = raw.get("id"), raw.get("name")
    if not isinstance(oruk_id, str) or not oruk_id.strip() or len(oruk_id) > 100:
        return None, "A service has no usable id."
    if not isinstance(name, str) or not name.strip():
        return None, f"Service {oruk_id[:40]} has no name."
    status = raw.get("status")
    if status not in STATUSES:
        return None, f"Service {oruk_id[:40]} has an unknown status."
    areas = [a.get("name") or a.get("extent") for a in raw.get("service_areas") or []
             if isinstance(a, dict)]
    description = raw.get("description") if isinstance(raw.get("description"), str) else ""
    alert = raw.get("alert") if isinstance(raw.get("alert"), str) else ""
    values = {
        "name": name.strip()[:200], "description": description.strip()[:5000],
        "area": str(next((a for a in areas if a), ""))[:100], "needs": _needs(raw),
        "accepting_referrals": _accepting(raw), "capacity_note": alert.strip()[:200],
        "active": status == "active",
    }
    last_modified = raw.get("last_modified")
    values["remote_last_modified"] = str(last_modified)[:40] if last_modified else ""
    values["oruk_id"] = oruk_id.strip()
    return values, ""


def _entries(document: Any) -> tuple[list[Any], int]:
    """The services in a document (a page, a list or one service) and its page count."""
    if isinstance(document, list):
        return document, 1
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        pages = document.get("total_pages")
        return document["contents"], pages if isinstance(pages, int) and pages > 0 else 1
    if isinstance(document, dict) and "id" in document:
        return [document], 1
    raise FeedError("That is not an Open Referral UK services page, list or service.")


def parse(content: bytes) -> Feed:
    try:
        document = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError("The feed is not valid JSON.") from exc
    entries, _ = _entries(document)
    return mapped(entries)


def mapped(entries: list[Any]) -> Feed:
    feed = Feed()
    seen: set[str] = set()
    for raw in entries:
        values, problem = map_service(raw)
        if values is None:
            feed.problems.append(problem)
        elif values["oruk_id"] not in seen:
            seen.add(values["oruk_id"])
            feed.services.append(values)
    return feed


def _services_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedError("Enter a web address starting with http:// or https://.")
    allowed = settings.ORUK_IMPORT_ALLOWED_HOSTS
    if allowed and parts.hostname not in allowed:
        raise FeedError("Imports from that host are not allowed on this server.")
    path = parts.path.rstrip("/")
    if not path.endswith("/services"):
        path = f"{path}/services"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _get(url: str) -> Any:
    limit = settings.ORUK_IMPORT_MAX_BYTES
    try:
        with requests.get(url, timeout=settings.ORUK_IMPORT_TIMEOUT_SECONDS, stream=True,
                          headers={"Accept": "application/json"},
                          allow_redirects=False) as response:
            if response.status_code != 200:
                raise FeedError(f"The feed answered HTTP {response.status_code}.")
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body.extend(chunk)
                if len(body) > limit:
                    raise FeedError(f"The feed is larger than {limit:,} bytes.")
    except requests.RequestException as exc:
        raise FeedError("The feed could not be reached.") from exc
    try:
        return json.loads(bytes(body))
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError("The feed is not valid JSON.") from exc


def fetch(url: str) -> Feed:
    """Every page of ``<url>/services`` (at most ``MAX_PAGES``)."""
    base = _services_url(url)
    entries: list[Any] = []
    page, pages = 1, 1
    while page <= min(pages, MAX_PAGES):
        document = _get(f"{base}?{urlencode({'page': page, 'per_page': PER_PAGE})}")
        found, pages = _entries(document)
        entries.extend(found)
        page += 1
    return mapped(entries)
