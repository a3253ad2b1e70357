"""Delete a case's personal data and keep what statistics need, in the caller's transaction.

Kept: the case row (reference, lead agency, status, risk level, restricted flag, dates), the
involvements (agency, role, dates), referrals (agencies, service, urgency, status, every
timestamp, decline category), risk checklists' answers and scores, actions' agency, due date
and status, MARAC referrals' routes and meetings: the counts, dates and categories reports
use. Removed: names, contact details, notes, documents (rows and files), every free-text field,
and the change-history rows that held copies of them (django-pghistory's event tables). The
audit keeps that a deletion happened, never what was deleted.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Q

DELETED = "(deleted under the retention rule)"


def _model(label: str) -> Any:
    return apps.get_model(label)


def _persons_only_here(*, case: Any, person_ids: set) -> set:
    """People on this case who are on no other case: their own record goes too."""
    others = set(_model("cases.CasePerson").objects.filter(person_id__in=person_ids)
                 .exclude(case=case).values_list("person_id", flat=True))
    return person_ids - others


def anonymise_people(person_ids: set) -> None:
    """Names and contact details go; gender, ethnicity and disability stay for equality
    monitoring (no longer linked to anyone once the names and dates are gone)."""
    person = _model("people.Person")
    person.objects.filter(pk__in=person_ids).update(
        given_name="Deleted", family_name="Deleted", other_names="", date_of_birth=None,
        address_line_1="", address_line_2="", town="", postcode="", phone="", email="",
        safe_times="", safe_word="", communication_needs="", may_phone=False, may_text=False,
        may_write=False, may_leave_voicemail=False, address_restricted=False)
    _model("people.Relationship").objects.filter(
        Q(person_id__in=person_ids) | Q(other_id__in=person_ids)).update(notes="")
    _model("consent.ConsentRecord").objects.filter(person_id__in=person_ids).update(
        withdrawal_note="")


def case_erase(*, case: Any) -> dict[str, int]:
    """Erase the case's personal data (the caller holds the case locked, in a transaction).
    Returns the counts kept for statistics. Files are deleted once the transaction commits."""
    from apps.documents.storage import document_storage

    case_note = _model("cases.CaseNote")
    case_person = _model("cases.CasePerson")
    document = _model("documents.Document")
    referral = _model("referrals.Referral")
    kept = {
        "notes": case_note.objects.filter(case=case).count(),
        "documents": document.objects.filter(case=case).count(),
        "people": case_person.objects.filter(case=case).count(),
        "referrals": referral.objects.filter(case=case).count(),
    }
    links = list(case_person.objects.filter(case=case).values_list("person_id", "role"))
    person_ids = {person_id for person_id, _role in links}
    only_here = _persons_only_here(case=case, person_ids=person_ids)
    # Notes and documents: gone (rows now, files after commit).
    keys = list(document.objects.filter(case=case).values_list("storage_key", flat=True))
    document.objects.filter(case=case).delete()
    case_note.objects.filter(case=case).delete()
    storage = document_storage()
    transaction.on_commit(lambda: [storage.delete(key) for key in keys])
    # The case keeps its facts; its words go.
    type(case).objects.filter(pk=case.pk).update(summary="")
    _model("cases.Involvement").objects.filter(case=case).update(
        basis=DELETED, end_reason="", scope_reason="")
    referrals = referral.objects.filter(case=case)
    referral_ids = list(referrals.values_list("pk", flat=True))
    referrals.update(reason=DELETED, shared_information="", decline_reason="", info_request="",
                     info_response="", withdraw_reason="", outcome="")
    _model("referrals.ReferralEvent").objects.filter(referral_id__in=referral_ids).update(
        text="")
    plan = _model("action_plans.ActionPlan").objects.filter(case=case)
    plan_ids = list(plan.values_list("pk", flat=True))
    plan.update(what_person_wants="")
    _model("action_plans.Action").objects.filter(plan_id__in=plan_ids).update(
        description=DELETED, completion_note="")
    _model("marac.RiskChecklist").objects.filter(case=case).update(
        answer_notes={}, judgement_rationale="", decision_reason="")
    _model("marac.MaracReferral").objects.filter(case=case).update(
        reason="", victim_not_aware_reason="", returned_reason="")
    items = _model("marac.AgendaItem").objects.filter(case=case)
    item_ids = list(items.values_list("pk", flat=True))
    items.update(minutes="")
    _model("marac.Research").objects.filter(item_id__in=item_ids).update(text="")
    _model("consent.EmergencyAccess").objects.filter(case=case).update(reason=DELETED)
    basis_ids = set(_model("cases.Involvement").objects.filter(
        case=case, sharing_basis__isnull=False).values_list("sharing_basis_id", flat=True))
    basis_ids |= set(referrals.filter(sharing_basis__isnull=False).values_list(
        "sharing_basis_id", flat=True))
    _model("consent.SharingBasis").objects.filter(pk__in=basis_ids).update(
        justification="", not_told_reason="")
    # Other people linked only here, and the subject if on no other case: anonymised.
    anonymise_people(only_here)
    # The change history held copies of all of the above: those rows go last (the updates
    # above wrote new history rows too).
    purge_history(case=case, person_ids=only_here, plan_ids=plan_ids, item_ids=item_ids,
                  basis_ids=basis_ids)
    return kept


HISTORY = ("cases.CaseNoteEvent", "cases.CasePersonEvent", "cases.InvolvementEvent",
           "consent.EmergencyAccessEvent", "marac.RiskChecklistEvent",
           "marac.MaracReferralEvent", "marac.AgendaItemEvent", "action_plans.ActionPlanEvent",
           "cases.CaseEvent", "action_plans.ActionEvent", "marac.ResearchEvent",
           "consent.SharingBasisEvent", "people.PersonEvent", "people.RelationshipEvent",
           "consent.ConsentRecordEvent")


def purge_history(*, case: Any, person_ids: set, plan_ids: list, item_ids: list,
                  basis_ids: set) -> None:
    """The history tables are append-only (a trigger refuses changes); retention is the one
    writer allowed past it, for these rows only, inside this transaction."""
    import pgtrigger

    with pgtrigger.ignore(*(f"{label}:append_only" for label in HISTORY)):
        _purge(case=case, person_ids=person_ids, plan_ids=plan_ids, item_ids=item_ids,
               basis_ids=basis_ids)


def _purge(*, case: Any, person_ids: set, plan_ids: list, item_ids: list,
           basis_ids: set) -> None:
    for label in ("cases.CaseNoteEvent", "cases.CasePersonEvent", "cases.InvolvementEvent",
                  "consent.EmergencyAccessEvent", "marac.RiskChecklistEvent",
                  "marac.MaracReferralEvent", "marac.AgendaItemEvent",
                  "action_plans.ActionPlanEvent"):
        _model(label).objects.filter(case_id=case.pk).delete()
    _model("cases.CaseEvent").objects.filter(pgh_obj_id=case.pk).delete()
    _model("action_plans.ActionEvent").objects.filter(plan_id__in=plan_ids).delete()
    _model("marac.ResearchEvent").objects.filter(item_id__in=item_ids).delete()
    _model("consent.SharingBasisEvent").objects.filter(pgh_obj_id__in=basis_ids).delete()
    if person_ids:
        _model("people.PersonEvent").objects.filter(pgh_obj_id__in=person_ids).delete()
        _model("people.RelationshipEvent").objects.filter(
            Q(person_id__in=person_ids) | Q(other_id__in=person_ids)).delete()
        _model("consent.ConsentRecordEvent").objects.filter(person_id__in=person_ids).delete()
