"""The access log in plain words: what was done to what ("Viewed the MARAC meeting pack"),
and the basis ("Lead agency on the case", "MARAC meeting, Northbridge, 8 December 2026")
instead of stored codes and ids. The stored codes stay as they are (and in the CSV export)."""

from __future__ import annotations

import re
from uuid import UUID

ACTIONS = {
    "view": "Viewed", "view_basis": "Checked why they can see", "create": "Created",
    "update": "Changed", "change": "Changed", "end": "Ended", "print": "Printed",
    "download": "Downloaded", "submit": "Submitted", "accept": "Accepted",
    "decline": "Declined", "request_info": "Asked for more information on",
    "withdraw": "Withdrew", "complete": "Completed", "close": "Closed", "sign": "Signed",
    "sign_off": "Signed off", "terminate": "Terminated", "approve": "Approved",
    "reject": "Rejected", "return": "Returned", "decide": "Decided", "minute": "Minuted",
    "attendance": "Recorded attendance at", "scope_change": "Changed what an agency sees of",
    "set_key_worker": "Set the key worker on", "revoke": "Revoked", "remove": "Removed",
    "replace": "Replaced", "correct": "Corrected", "release": "Released",
    "assemble": "Assembled", "stage": "Prepared", "respond": "Responded to",
    "import": "Imported", "override": "Overrode", "quarantine": "Held back",
    "legal_hold": "Put a legal hold on", "retention_delete": "Deleted (retention)",
    "retention_extend": "Extended the retention of", "change_role": "Changed the role in",
    "backup_codes": "Made new backup codes for", "emergency_access": "Opened by emergency access",
    "emergency_access_ended": "Emergency access ended to",
    "emergency_refused": "Was refused emergency access to",
}

OBJECTS = {
    "case": "the case record", "case_notes": "the chronology", "case_note": "a chronology entry",
    "case_person": "a person on the case", "case_documents": "the case's documents",
    "person": "a person's record", "involvement": "an agency's involvement",
    "risk_checklist": "a risk checklist", "risk_checklists": "the risk checklists",
    "marac_referral": "a MARAC referral", "marac_meeting": "a MARAC meeting",
    "marac_pack": "the MARAC meeting pack", "marac_minutes": "the MARAC minutes",
    "marac_agenda_item": "a MARAC agenda item", "marac_research": "MARAC research",
    "marac_area": "the MARAC's settings", "action_plan": "the action plan",
    "action": "an action", "referral": "a referral", "consent": "a consent record",
    "sharing_basis": "a basis for sharing", "sharing_override": "a sharing override",
    "sharing_policy": "the sharing policy", "dsa": "a data-sharing agreement",
    "agreement_retention": "an agreement's retention", "document": "a document",
    "emergency_access": "emergency access", "subject_access_request": "a subject access request",
    "subject_access_bundle": "a subject access bundle", "rights_request": "a rights request",
    "service": "a directory service", "oruk_import": "an Open Referral UK import",
    "membership": "a staff membership", "secondment_request": "a secondment request",
    "api_token": "an API token", "two_factor": "two-factor sign-in",
    "retention_rule": "a retention rule",
}

BASES = {
    "lead involvement": "Lead agency on the case",
    "partner involvement": "Partner agency on the case",
    "marac involvement": "Involved through MARAC",
    "emergency access": "Emergency access",
    "no involvement": "No involvement at the time",
}

_MEETING = re.compile(r"^MARAC meeting ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                      r"[0-9a-f]{12})$")


def _humanise(code: str) -> str:
    return code.replace("_", " ")


def what(*, action: str, object_type: str) -> str:
    """"Viewed the MARAC meeting pack", "Checked why they can see the case record"."""
    verb = ACTIONS.get(action, _humanise(action).capitalize())
    return f"{verb} {OBJECTS.get(object_type, _humanise(object_type))}"


def meeting_ids(bases: list[str]) -> set[UUID]:
    """The meetings named by id in older rows' bases ("MARAC meeting <uuid>")."""
    found = set()
    for basis in bases:
        match = _MEETING.match(basis or "")
        if match:
            found.add(UUID(match.group(1)))
    return found


def basis(text: str, *, meetings: dict | None = None) -> str:
    """The basis in words; an older "MARAC meeting <uuid>" names the meeting when known."""
    if not text:
        return ""
    match = _MEETING.match(text)
    if match:
        meeting = (meetings or {}).get(UUID(match.group(1)))
        return f"MARAC meeting, {meeting}" if meeting else "MARAC meeting"
    return BASES.get(text, text)


def label_events(events: list, *, meetings: dict | None = None) -> list:
    """Set ``what_text`` and ``basis_text`` on each event of a page."""
    for event in events:
        event.what_text = what(action=event.action, object_type=event.object_type)
        event.basis_text = basis(event.basis, meetings=meetings)
    return events
