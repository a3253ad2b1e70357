"""Stable ORUK identifiers for things Wraparound has no row for (taxonomies, terms, places).

ORUK wants a UUID for every entity. Needs and capacity are choices in code, not rows, so their
ids are UUID5s of a fixed namespace: the same on every server and every day."""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("6f0e4f52-5b1a-4c6e-9a57-8d3b7f0c2a10")


def stable_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


NEEDS_TAXONOMY_ID = stable_id("taxonomy", "needs")
CAPACITY_TAXONOMY_ID = stable_id("taxonomy", "capacity")


def need_term_id(code: str) -> str:
    return stable_id("need", code)


def capacity_term_id(accepting: bool) -> str:
    return stable_id("capacity", "accepting" if accepting else "not-accepting")
