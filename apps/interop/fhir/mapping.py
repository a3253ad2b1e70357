"""Referrals, their history and their sharing basis as FHIR R4 resources (plain dicts).

Reads only: every object here was already fetched through a selector that decided the caller
may see it. What a resource carries is what the REST API shows the same caller (the subject's
name and date of birth travel with the referral; nothing else of the case)."""

from __future__ import annotations

import datetime
from typing import Any

from apps.consent.models import BasisKind, ConsentRecord, SharingBasis
from apps.interop.fhir import codes
from apps.referrals.models import DeclineCategory, Referral, ReferralEvent, ReferralStatus


def instant(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def uuid_identifier(value: object) -> dict[str, str]:
    return {"system": codes.UUID_SYSTEM, "value": f"urn:uuid:{value}"}


def logical(kind: str, pk: object, display: str) -> dict[str, Any]:
    """A reference by identifier (Wraparound serves no Organization or HealthcareService)."""
    return {"type": kind, "identifier": uuid_identifier(pk), "display": display}


def _drop_empty(resource: dict[str, Any]) -> dict[str, Any]:
    """FHIR forbids empty values: leave out None, "" and []."""
    return {key: value for key, value in resource.items() if value not in (None, "", [], {})}


def contained_patient(person, *, pid: str = "subject") -> dict[str, Any]:
    name = _drop_empty({"family": person.family_name, "given": [person.given_name]
                        if person.given_name else []})
    return _drop_empty({"resourceType": "Patient", "id": pid, "name": [name],
                        "birthDate": person.date_of_birth.isoformat()
                        if person.date_of_birth else None})


def _meta(updated: datetime.datetime) -> dict[str, str]:
    return {"lastUpdated": instant(updated)}


def service_request(referral: Referral) -> dict[str, Any]:
    performer = []
    if referral.to_service_id:
        performer.append(logical("HealthcareService", referral.to_service_id,
                                 referral.to_service.name))
    performer.append(logical("Organization", referral.to_agency_id, referral.to_agency.name))
    supporting = [logical("EpisodeOfCare", referral.case_id, f"Case {referral.case.reference}")]
    if referral.sharing_basis_id:
        supporting.append({"reference": f"Consent/{referral.sharing_basis_id}",
                           "display": referral.sharing_basis.summary})
    return _drop_empty({
        "resourceType": "ServiceRequest", "id": str(referral.pk),
        "meta": _meta(referral.updated_at),
        "contained": [contained_patient(referral.case.subject)],
        "identifier": [uuid_identifier(referral.pk)],
        "status": codes.SERVICE_REQUEST_STATUS[referral.status],
        "intent": "order",
        "category": [codes.REFERRAL_CATEGORY],
        "priority": codes.PRIORITY[referral.urgency],
        "code": {"text": referral.to_service.name if referral.to_service_id
                 else referral.to_agency.name},
        "subject": {"reference": "#subject"},
        "authoredOn": instant(referral.first_submitted_at or referral.created_at),
        "requester": logical("Organization", referral.from_agency_id,
                             referral.from_agency.name),
        "performer": performer,
        "reasonCode": [{"text": referral.reason}] if referral.reason else [],
        "supportingInfo": supporting,
        "note": [{"text": referral.shared_information}] if referral.shared_information else [],
    })


def _task_status(referral: Referral) -> str:
    if referral.status == ReferralStatus.SUBMITTED and referral.seen_at is not None:
        return "received"
    return codes.TASK_STATUS_BY_REFERRAL[referral.status]


def _status_reason(referral: Referral) -> dict[str, str] | None:
    if referral.status == ReferralStatus.DECLINED and referral.decline_category:
        return {"text": DeclineCategory(referral.decline_category).label}
    if referral.status == ReferralStatus.WITHDRAWN:
        return {"text": referral.withdraw_reason or "Withdrawn by the referring agency"}
    if referral.status == ReferralStatus.INFO_REQUESTED:
        return {"text": "More information requested"}
    return None


def _event_note(event: ReferralEvent) -> dict[str, Any]:
    labels = dict(ReferralStatus.choices)
    step = labels.get(event.to_status, event.to_status)
    if event.from_status:
        step = f"{labels.get(event.from_status, event.from_status)} \u2192 {step}"
    return _drop_empty({"time": instant(event.at),
                        "authorString": event.agency.name if event.agency_id else "Wraparound",
                        "text": f"{step}. {event.text}".strip() if event.text else step})


def task(referral: Referral, events: list[ReferralEvent]) -> dict[str, Any]:
    """The receiving agency's work on the referral; ``note`` is its decision history."""
    end = referral.completed_at or referral.withdrawn_at or (
        referral.decided_at if referral.status == ReferralStatus.DECLINED else None)
    return _drop_empty({
        "resourceType": "Task", "id": str(referral.pk), "meta": _meta(referral.updated_at),
        "identifier": [uuid_identifier(referral.pk)],
        "basedOn": [{"reference": f"ServiceRequest/{referral.pk}"}],
        "status": _task_status(referral),
        "statusReason": _status_reason(referral),
        "businessStatus": {"text": referral.get_status_display()},
        "intent": "order", "priority": codes.PRIORITY[referral.urgency],
        "focus": {"reference": f"ServiceRequest/{referral.pk}"},
        "authoredOn": instant(referral.created_at),
        "lastModified": instant(referral.updated_at),
        "executionPeriod": _drop_empty({"start": instant(referral.first_submitted_at),
                                        "end": instant(end)}),
        "requester": logical("Organization", referral.from_agency_id,
                             referral.from_agency.name),
        "owner": logical("Organization", referral.to_agency_id, referral.to_agency.name),
        "note": [_event_note(event) for event in events],
        "output": [{"type": {"text": "Outcome"}, "valueString": referral.outcome}]
        if referral.outcome else [],
    })


def _consent_base(*, pk: object, updated: datetime.datetime, active: bool, person,
                  date_time: datetime.datetime, organization) -> dict[str, Any]:
    return {
        "resourceType": "Consent", "id": str(pk), "meta": _meta(updated),
        "contained": [contained_patient(person)] if person is not None else [],
        "identifier": [uuid_identifier(pk)],
        "status": "active" if active else "inactive",
        "scope": {"coding": [{"system": codes.CONSENT_SCOPE_SYSTEM, "code": "patient-privacy",
                              "display": "Privacy Consent"}]},
        "category": [{"coding": [{"system": codes.LOINC, "code": "64292-6",
                                  "display": "Release of information consent"}]}],
        "patient": {"reference": "#subject"} if person is not None else None,
        "dateTime": instant(date_time),
        "organization": [logical("Organization", organization.pk, organization.name)],
    }


def consent_from_basis(basis: SharingBasis, *, person, recipients: list) -> dict[str, Any]:
    """A sharing basis: the person's consent (``OPTIN``) or a lawful basis without it."""
    withdrawn = basis.consent_id is not None and basis.consent.withdrawn_at is not None
    resource = _consent_base(pk=basis.pk, updated=basis.updated_at, active=not withdrawn,
                             person=person, date_time=basis.decided_at,
                             organization=basis.decided_by_agency)
    if basis.kind == BasisKind.CONSENT:
        resource["performer"] = [{"display": basis.get_consent_given_by_display()}]
        resource["policyRule"] = {"coding": [{"system": codes.ACT_CODE, "code": "OPTIN",
                                              "display": "opt-in"}],
                                  "text": basis.summary}
    else:
        resource["policyRule"] = {"text": f"{basis.summary}. {basis.justification}".strip()}
    resource["provision"] = _drop_empty({"type": "permit", "actor": [
        {"role": {"coding": [{"system": codes.PARTICIPATION, "code": "IRCP",
                              "display": "information recipient"}]},
         "reference": logical("Organization", agency.pk, agency.name)}
        for agency in recipients]})
    return _drop_empty(resource)


def consent_from_record(record: ConsentRecord) -> dict[str, Any]:
    """A consent record: who gave it, for which agencies; inactive once withdrawn."""
    resource = _consent_base(
        pk=record.pk, updated=record.updated_at, active=record.withdrawn_at is None,
        person=record.person, date_time=datetime.datetime.combine(
            record.given_on, datetime.time(), tzinfo=datetime.UTC),
        organization=record.recorded_by_agency)
    resource["performer"] = [{"display": record.get_given_by_display()}]
    resource["policyRule"] = {"coding": [{"system": codes.ACT_CODE, "code": "OPTIN",
                                          "display": "opt-in"}],
                              "text": f"Consent given {record.get_method_display().lower()}"}
    resource["provision"] = _drop_empty({
        "type": "permit",
        "period": _drop_empty({"start": record.given_on.isoformat(),
                               "end": record.withdrawn_at.date().isoformat()
                               if record.withdrawn_at else None}),
        "actor": [{"role": {"coding": [{"system": codes.PARTICIPATION, "code": "IRCP",
                                        "display": "information recipient"}]},
                   "reference": logical("Organization", agency.pk, agency.name)}
                  for agency in record.scope_agencies.all()],
    })
    return _drop_empty(resource)


def operation_outcome(*, code: str, message: str, severity: str = "error",
                      expression: str | None = None) -> dict[str, Any]:
    issue = _drop_empty({"severity": severity, "code": code, "diagnostics": message,
                         "expression": [expression] if expression else []})
    return {"resourceType": "OperationOutcome", "issue": [issue]}
