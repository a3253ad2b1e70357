"""The FHIR R4 codes Wraparound sends, and the value sets they must come from.

``fhir.resources`` checks structure and types but not bound codes, so these sets are the
required bindings of R4 (hl7.org/fhir/R4/valueset-*.html), used by the mapping, the POST check
and the tests."""

from __future__ import annotations

from apps.referrals.models import ReferralStatus, Urgency

REQUEST_STATUS = frozenset({"draft", "active", "on-hold", "revoked", "completed",
                            "entered-in-error", "unknown"})
REQUEST_INTENT = frozenset({"proposal", "plan", "directive", "order", "original-order",
                            "reflex-order", "filler-order", "instance-order", "option"})
REQUEST_PRIORITY = frozenset({"routine", "urgent", "asap", "stat"})
TASK_STATUS = frozenset({"draft", "requested", "received", "accepted", "rejected", "ready",
                         "cancelled", "in-progress", "on-hold", "failed", "completed",
                         "entered-in-error"})
TASK_INTENT = frozenset({"unknown", "proposal", "plan", "order", "original-order",
                         "reflex-order", "filler-order", "instance-order", "option"})
CONSENT_STATUS = frozenset({"draft", "proposed", "active", "rejected", "inactive",
                            "entered-in-error"})
CONSENT_SCOPE = frozenset({"adr", "research", "patient-privacy", "treatment"})
CONSENT_SCOPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentscope"
NARRATIVE_STATUS = frozenset({"generated", "extensions", "additional", "empty"})

S = ReferralStatus
# The referral lifecycle (docs/referrals.md) as ServiceRequest.status.
SERVICE_REQUEST_STATUS = {
    S.DRAFT: "draft", S.SUBMITTED: "active", S.INFO_REQUESTED: "on-hold",
    S.ACCEPTED: "active", S.DECLINED: "revoked", S.WITHDRAWN: "revoked",
    S.COMPLETED: "completed",
}
# ... and as the receiving agency's Task.status (submitted: requested until opened).
TASK_STATUS_BY_REFERRAL = {
    S.DRAFT: "draft", S.SUBMITTED: "requested", S.INFO_REQUESTED: "on-hold",
    S.ACCEPTED: "accepted", S.DECLINED: "rejected", S.WITHDRAWN: "cancelled",
    S.COMPLETED: "completed",
}
PRIORITY = {Urgency.ROUTINE: "routine", Urgency.URGENT: "urgent", Urgency.EMERGENCY: "stat"}
URGENCY = {"routine": Urgency.ROUTINE, "urgent": Urgency.URGENT, "asap": Urgency.URGENT,
           "stat": Urgency.EMERGENCY}

UUID_SYSTEM = "urn:ietf:rfc:3986"
SNOMED = "http://snomed.info/sct"
REFERRAL_CATEGORY = {"coding": [{"system": SNOMED, "code": "3457005",
                                 "display": "Patient referral"}]}
LOINC = "http://loinc.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
