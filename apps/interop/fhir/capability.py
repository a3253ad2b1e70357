"""The server's CapabilityStatement (``GET /api/fhir/metadata``): what it reads and accepts."""

from __future__ import annotations

from typing import Any

SOFTWARE = {"name": "Wraparound", "version": "1.0"}


def statement(*, base: str) -> dict[str, Any]:
    def resource(kind: str, interactions: list[str], search: list[str] | None = None):
        row: dict[str, Any] = {"type": kind,
                               "interaction": [{"code": code} for code in interactions]}
        if search:
            row["searchParam"] = [{"name": name, "type": "reference"} for name in search]
        return row

    return {
        "resourceType": "CapabilityStatement", "status": "active", "date": "2026-12-01",
        "kind": "instance", "fhirVersion": "4.0.1", "format": ["json"],
        "software": SOFTWARE, "implementation": {"description": "Wraparound FHIR API",
                                                 "url": base},
        "rest": [{
            "mode": "server",
            "security": {"description": "Authorization: Token <key> (one membership of one "
                                        "agency), as for /api/v1/."},
            "resource": [
                resource("ServiceRequest", ["read", "create"]),
                resource("Task", ["read", "search-type"], ["focus"]),
                resource("Consent", ["read"]),
            ],
        }],
    }
