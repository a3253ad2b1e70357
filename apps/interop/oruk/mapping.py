"""Wraparound's directory as Open Referral UK 3.0 objects (plain dicts, ready for JSON).

Only fields an agency entered for publication are mapped: names, descriptions, eligibility,
needs, area and capacity. No contact person, no case data."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from apps.agencies.models import Agency, AgencyKind, Need, Sector, Service
from apps.interop.oruk import ids

ORUK_VERSION = "3.0"
PROFILE_URL = "https://openreferraluk.org/"
OPENAPI_URL = ("https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
               "openapi.json")

TAXONOMIES: list[dict[str, Any]] = [
    {"id": ids.NEEDS_TAXONOMY_ID, "name": "Wraparound needs",
     "description": "The needs a service meets, as agencies choose them in Wraparound.",
     "version": "1"},
    {"id": ids.CAPACITY_TAXONOMY_ID, "name": "Wraparound referral capacity",
     "description": "Whether a service is accepting new referrals now.", "version": "1"},
]


def _need_term(code: str) -> dict[str, Any]:
    return {"id": ids.need_term_id(code), "name": Need(code).label,
            "description": f"Services that help with {Need(code).label.lower()}.",
            "taxonomy_id": ids.NEEDS_TAXONOMY_ID, "taxonomy": "Wraparound needs",
            "term": code}


def _capacity_term(accepting: bool) -> dict[str, Any]:
    name = "Accepting referrals" if accepting else "Not accepting referrals"
    return {"id": ids.capacity_term_id(accepting), "name": name,
            "description": f"{name} now.", "taxonomy_id": ids.CAPACITY_TAXONOMY_ID,
            "taxonomy": "Wraparound referral capacity",
            "term": "accepting" if accepting else "not-accepting"}


TAXONOMY_TERMS: list[dict[str, Any]] = [
    *(_need_term(code) for code in Need.values),
    _capacity_term(True), _capacity_term(False),
]


def timestamp(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def capacity_alert(service: Service) -> str:
    """Capacity in words: accepting or not, the usual wait and the agency's note."""
    parts = ["Accepting referrals." if service.accepting_referrals
             else "Not accepting new referrals."]
    if service.waiting_time_days is not None:
        days = service.waiting_time_days
        parts.append(f"Typical wait: {days} day{'s' if days != 1 else ''}.")
    if service.capacity_note:
        parts.append(service.capacity_note.rstrip(".") + ".")
    return " ".join(parts)


def _description(service: Service) -> str:
    parts = [service.description.strip()]
    if service.eligibility.strip():
        parts.append(f"Who is eligible: {service.eligibility.strip()}")
    if service.referral_criteria.strip():
        parts.append(f"Referral criteria: {service.referral_criteria.strip()}")
    return "\n\n".join(part for part in parts if part) or service.name


def organization_summary(agency: Agency) -> dict[str, Any]:
    kind = AgencyKind(agency.kind).label.lower()
    sector = Sector(agency.sector).label.lower()
    return {"id": str(agency.pk), "name": agency.name,
            "description": f"{agency.name} is a {kind} agency ({sector})."}


def _identifiers(agency: Agency) -> list[dict[str, Any]]:
    schemes = (("charity_number", "GB-CHC", "Charity number"),
               ("company_number", "GB-COH", "Company number"),
               ("ods_code", "GB-NHS", "ODS code"))
    return [{"id": ids.stable_id("organization-identifier", agency.pk, scheme),
             "organization_id": str(agency.pk), "identifier_scheme": scheme,
             "identifier_type": label, "identifier": getattr(agency, field)}
            for field, scheme, label in schemes if getattr(agency, field)]


def service_summary(service: Service) -> dict[str, Any]:
    """The list shape (``compiled/service_list.json``): one-to-one fields only."""
    row: dict[str, Any] = {
        "id": str(service.pk), "organization_id": str(service.agency_id),
        "name": service.name, "description": _description(service), "status": "active",
        "alert": capacity_alert(service), "last_modified": timestamp(service.updated_at),
        "organization": organization_summary(service.agency),
    }
    if service.capacity_updated_at is not None:
        row["assured_date"] = timezone.localdate(service.capacity_updated_at).isoformat()
    return row


def _attribute(service: Service, term: dict[str, Any]) -> dict[str, Any]:
    return {"id": ids.stable_id("attribute", service.pk, term["id"]),
            "link_id": str(service.pk), "link_type": "service", "link_entity": "service",
            "taxonomy_term_id": term["id"], "taxonomy_term": term}


def location_for(service: Service) -> dict[str, Any]:
    """The area a service covers, as a place without an address (Wraparound keeps none)."""
    return {"id": ids.stable_id("location", service.pk), "location_type": "physical",
            "name": service.area or service.agency.name,
            "description": f"Delivered across {service.area or 'the area'}; where to meet is "
                           "agreed with each person referred.",
            "addresses": [], "accessibility": [], "attributes": []}


def service_at_location_summary(service: Service) -> dict[str, Any]:
    location = location_for(service)
    return {"id": str(service.pk), "service_id": str(service.pk),
            "location_id": location["id"], "location": location,
            "service": service_summary(service)}


def service_full(service: Service) -> dict[str, Any]:
    """The fully nested service (``compiled/service.json``)."""
    terms = [_need_term(code) for code in service.needs if code in Need.values]
    terms.append(_capacity_term(service.accepting_referrals))
    location = location_for(service)
    return {
        **service_summary(service),
        "schedules": [], "languages": [], "funding": [], "cost_options": [], "contacts": [],
        "service_areas": ([{"id": ids.stable_id("service-area", service.pk),
                            "service_id": str(service.pk), "name": service.area,
                            "extent_type": "text", "extent": service.area}]
                          if service.area else []),
        "service_at_locations": [{"id": str(service.pk), "service_id": str(service.pk),
                                  "location_id": location["id"], "location": location}],
        "attributes": [_attribute(service, term) for term in terms],
    }


def organization_full(agency: Agency, services: list[Service]) -> dict[str, Any]:
    return {**organization_summary(agency), "organization_identifiers": _identifiers(agency),
            "attributes": [], "services": [service_summary(service) for service in services]}


def taxonomy_full(taxonomy: dict[str, Any]) -> dict[str, Any]:
    return {**taxonomy, "taxonomy_terms": [
        term for term in TAXONOMY_TERMS if term["taxonomy_id"] == taxonomy["id"]]}
