"""Assemble a subject access bundle: everything one agency holds or received about a person.

One query per kind of record, whatever the number of cases. Entries that are other agencies'
or that name other people are marked for redaction review (``review``) — Wraparound never
redacts by itself; the agency's reviewer decides before release (docs/records.md).
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import zipfile
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Q

from apps.core.csv_export import csv_safe_writer

OTHER_AGENCY = "Another agency's entry: ask them or review before release"
THIRD_PARTY = "Names or concerns another person: review before release"
STAFF = "Names staff: review before release"


def _name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _when(value: Any) -> str:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def gather(*, agency_id: UUID, person: Any) -> dict[str, list[dict[str, Any]]]:
    from apps.action_plans.models import Action
    from apps.audit.models import AccessEvent
    from apps.cases.models import Case, CaseNote, CasePerson, Involvement, NoteVisibility
    from apps.consent.models import ConsentRecord, SharingBasis
    from apps.documents.models import Document, ScanState
    from apps.marac.models import RiskChecklist
    from apps.referrals.models import Referral

    ever_involved = Involvement.objects.filter(case=OuterRef("pk"), agency_id=agency_id)
    cases = list(Case.objects.filter(Exists(ever_involved), case_people__person=person)
                 .select_related("lead_agency").order_by("created_at"))
    case_ids = [case.pk for case in cases]
    # What the agency could ever see on each case (its involvements' scopes, past and present):
    # it received only those sections, so others' entries outside them are not in its bundle.
    scopes: dict = {}
    for case_id, sections in Involvement.objects.filter(
            agency_id=agency_id, case_id__in=case_ids).values_list("case_id", "sections"):
        scopes.setdefault(case_id, set()).update(sections or [])
    for case in cases:
        if case.lead_agency_id == agency_id:
            scopes.setdefault(case.pk, set()).update(
                {"identity", "contact", "people", "risk", "chronology", "plan"})

    def shown(case_id: Any, section: str) -> bool:
        return section in scopes.get(case_id, set())

    contact_held = person.created_by_agency_id == agency_id or any(
        "contact" in sections for sections in scopes.values())
    links = CasePerson.objects.filter(case_id__in=case_ids).select_related("person")
    roles = {(link.case_id, link.person_id): link.role for link in links}
    others = [link for link in links if link.person_id != person.pk
              and shown(link.case_id, "people")]
    about_others = {case_id for case_id in case_ids
                    if roles.get((case_id, person.pk)) != "subject"}

    def review(*, own: bool, case_id: Any = None, staff: bool = False) -> list[str]:
        reasons = [] if own else [OTHER_AGENCY]
        if case_id is not None and (case_id in about_others or any(
                link.case_id == case_id for link in others)):
            reasons.append(THIRD_PARTY)
        if staff:
            reasons.append(STAFF)
        return reasons

    data: dict[str, list[dict[str, Any]]] = {}
    data["person"] = [{
        "given_name": person.given_name, "family_name": person.family_name,
        "other_names": person.other_names, "date_of_birth": _when(person.date_of_birth),
        "gender": person.get_gender_display(), "ethnicity": person.ethnicity,
        "disability": person.disability,
        **({"address_line_1": person.address_line_1, "address_line_2": person.address_line_2,
            "town": person.town, "postcode": person.postcode, "phone": person.phone,
            "email": person.email, "safe_times": person.safe_times} if contact_held else {}),
        "communication_needs": person.communication_needs, "review": [],
    }]
    data["cases"] = [{
        "reference": case.reference, "role": roles.get((case.pk, person.pk), ""),
        "status": case.status, "opened": _when(case.created_at),
        "lead_agency": case.lead_agency.name,
        "summary": case.summary if shown(case.pk, "chronology") else "",
        "review": review(own=case.lead_agency_id == agency_id, case_id=case.pk),
    } for case in cases]
    data["other_people"] = [{
        "case": link.case_id and next(c.reference for c in cases if c.pk == link.case_id),
        "role": link.role, "name": f"{link.person.given_name} {link.person.family_name}",
        "review": [THIRD_PARTY],
    } for link in others]
    references = {case.pk: case.reference for case in cases}
    notes = (CaseNote.objects.filter(case_id__in=case_ids)
             .filter(Q(agency_id=agency_id) | Q(visibility=NoteVisibility.SHARED))
             .select_related("author", "agency").order_by("created_at"))
    data["notes"] = [{
        "case": references[note.case_id], "at": _when(note.created_at), "kind": note.kind,
        "agency": note.agency.name, "author": _name(note.author), "text": note.text,
        "visibility": note.visibility,
        "review": review(own=note.agency_id == agency_id, case_id=note.case_id, staff=True),
    } for note in notes if note.agency_id == agency_id or shown(note.case_id, "chronology")]
    referrals = (Referral.objects.filter(case_id__in=case_ids)
                 .filter(Q(from_agency_id=agency_id) | Q(to_agency_id=agency_id))
                 .select_related("from_agency", "to_agency").order_by("created_at"))
    data["referrals"] = [{
        "case": references[referral.case_id],
        "direction": "sent" if referral.from_agency_id == agency_id else "received",
        "from_agency": referral.from_agency.name, "to_agency": referral.to_agency.name,
        "status": referral.status, "reason": referral.reason,
        "shared_information": referral.shared_information,
        "submitted_at": _when(referral.submitted_at), "decided_at": _when(referral.decided_at),
        "decline_reason": referral.decline_reason, "outcome": referral.outcome,
        "review": review(own=referral.from_agency_id == agency_id, case_id=referral.case_id),
    } for referral in referrals]
    consents = (ConsentRecord.objects.filter(person=person, recorded_by_agency_id=agency_id)
                .order_by("given_on"))
    data["consents"] = [{
        "given_by": consent.given_by, "given_on": _when(consent.given_on),
        "method": consent.method, "review_date": _when(consent.review_date),
        "withdrawn_at": _when(consent.withdrawn_at), "review": [],
    } for consent in consents]
    bases = (SharingBasis.objects.filter(decided_by_agency_id=agency_id)
             .filter(Q(involvements__case_id__in=case_ids) | Q(consent__person=person))
             .distinct().order_by("decided_at"))
    data["sharing_bases"] = [{
        "kind": basis.kind, "lawful_basis": basis.lawful_basis,
        "justification": basis.justification, "decided_at": _when(basis.decided_at),
        "person_told": basis.person_told, "not_told_reason": basis.not_told_reason,
        "review": [],
    } for basis in bases]
    checklists = (RiskChecklist.objects.filter(case_id__in=case_ids, agency_id=agency_id)
                  .select_related("assessor").order_by("created_at"))
    data["risk_checklists"] = [{
        "case": references[checklist.case_id], "at": _when(checklist.created_at),
        "assessor": _name(checklist.assessor), "score": checklist.score,
        "answers": checklist.answers, "answer_notes": checklist.answer_notes,
        "judgement_rationale": checklist.judgement_rationale,
        "review": review(own=True, case_id=checklist.case_id, staff=True),
    } for checklist in checklists]
    actions = (Action.objects.filter(plan__case_id__in=case_ids, owner_agency_id=agency_id)
               .select_related("plan").order_by("due_date"))
    data["actions"] = [{
        "case": references[action.plan.case_id], "description": action.description,
        "due_date": _when(action.due_date), "status": action.status,
        "completion_note": action.completion_note,
        "review": review(own=True, case_id=action.plan.case_id),
    } for action in actions]
    documents = (Document.objects.filter(case_id__in=case_ids, scan_state=ScanState.CLEAN)
                 .filter(Q(agency_id=agency_id) | Q(visibility=NoteVisibility.SHARED))
                 .select_related("agency").order_by("created_at"))
    data["documents"] = [{
        "id": str(document.pk), "case": references[document.case_id], "title": document.title,
        "filename": document.filename, "agency": document.agency.name,
        "added": _when(document.created_at),
        "file": f"files/{document.pk}-{document.filename}",
        "storage_key": document.storage_key,
        "review": review(own=document.agency_id == agency_id, case_id=document.case_id),
    } for document in documents
        if document.agency_id == agency_id or shown(document.case_id, "chronology")]
    events = (AccessEvent.objects.filter(case_id__in=case_ids, agency_id=agency_id)
              .select_related("user").order_by("at")[:20_000])
    data["access_log"] = [{
        "case": references.get(event.case_id, ""), "at": _when(event.at),
        "who": _name(event.user), "action": event.action, "what": event.object_type,
        "basis": event.basis, "channel": event.channel, "review": [STAFF],
    } for event in events]
    return data


SECTIONS = ["person", "cases", "other_people", "notes", "referrals", "consents",
            "sharing_bases", "risk_checklists", "actions", "documents", "access_log"]
TITLES = {"person": "The person's details", "cases": "Cases",
          "other_people": "Other people on the cases", "notes": "Case notes",
          "referrals": "Referrals sent and received", "consents": "Consents",
          "sharing_bases": "Bases for sharing", "risk_checklists": "Risk checklists",
          "actions": "Actions", "documents": "Documents", "access_log": "Who accessed the record"}


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if not rows:
        return ""
    columns = [key for key in rows[0] if key != "storage_key"]
    writer = csv_safe_writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["; ".join(row[c]) if c == "review" else
                         json.dumps(row[c]) if isinstance(row[c], dict) else row[c]
                         for c in columns])
    return out.getvalue()


def _pdf(*, data: dict[str, list[dict[str, Any]]], heading: str) -> bytes:
    """A readable printout (fpdf2): every section, entries marked for review flagged."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # it logs every glyph at INFO
    pdf = FPDF()
    line = {"w": 0, "new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.add_font("dejavu", fname=_font())
    pdf.set_font("dejavu", size=16)
    pdf.multi_cell(**line, text=heading)
    for section in SECTIONS:
        pdf.set_font("dejavu", size=13)
        pdf.ln(4)
        pdf.multi_cell(**line, text=f"{TITLES[section]} ({len(data[section])})")
        pdf.set_font("dejavu", size=9)
        for row in data[section]:
            lines = [f"{key.replace('_', ' ')}: {value}" for key, value in row.items()
                     if key not in ("review", "storage_key") and value not in ("", None, {})]
            if row["review"]:
                lines.insert(0, "REVIEW BEFORE RELEASE: " + "; ".join(row["review"]))
            pdf.multi_cell(**line, text="\n".join(lines)[:20_000])
            pdf.ln(2)
    return bytes(pdf.output())


def _font() -> str:
    """A Unicode TrueType font shipped with fpdf2's dependencies or the system."""
    from apps.core.pdf import unicode_font

    return unicode_font()


def build_zip(*, data: dict[str, list[dict[str, Any]]], heading: str,
              open_file: Any) -> bytes:
    """The bundle: ``data.json``, one CSV per section, ``report.pdf`` when a font is
    available, and the documents' files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        public = {section: [{k: v for k, v in row.items() if k != "storage_key"}
                            for row in rows] for section, rows in data.items()}
        archive.writestr("data.json", json.dumps({"heading": heading, **public}, indent=2))
        for section in SECTIONS:
            archive.writestr(f"csv/{section}.csv", _csv(data[section]))
        try:
            archive.writestr("report.pdf", _pdf(data=data, heading=heading))
        except FileNotFoundError:
            archive.writestr("report.txt", "No font for the PDF printout: read data.json.")
        for row in data["documents"]:
            with open_file(row["storage_key"]) as stream:
                archive.writestr(row["file"], stream.read())
    return buffer.getvalue()
