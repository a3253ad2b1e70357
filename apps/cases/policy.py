"""The one place that answers "may this actor do X here?" (docs: DESIGN.md, Permissions).

Services, views, serializers and templates ask these functions and never re-code a rule:

* ``may_<verb>(*, actor, <object>) -> bool`` answers the question;
* ``require_<verb>(*, actor, <object>, hide=False)`` raises ``NotPermitted`` (403 in the API,
  the services' refusal) or, with ``hide=True``, ``Http404`` (a page that does not exist for
  this actor: views use it, so that a refused page looks like a missing one);
* ``case_abilities(*, actor, case)`` answers every case question with one read of the
  grants, for pages and serializers that need several (``{{ may.contribute }}``).

The answers are about the actor and the object, not about the object's state: "this action is
already closed" is the service's ``TransitionNotAllowed``, not a policy refusal.

Rules
-----
* A case's grants (``view_case``, ``contribute_case``, ``manage_case``) come from the
  involvements (``apps.cases.permissions``); an auditor only ever views (``Actor.read_only``):
  no write rule here holds for an auditor (this agrees with ``actor_require_writer``, which
  the write services call first).
* See a case: ``view_case`` (the selectors answer 404 otherwise).
* Contribute (notes, people, checklists, actions, wishes, referrals): ``contribute_case``.
* Update a case (status, risk, summary): ``manage_case`` (the lead agency).
* Manage a case's involvements (involve an agency, end an involvement): ``manage_case`` and a
  manager of the lead agency.
* Set an involvement's key worker: a manager of that involvement's agency, on a live
  involvement of a case they can see.
* Refer from a case (to another agency, or a checklist to MARAC): contribute, and not an
  auditor; to MARAC only the assessing agency of the checklist. A referral is then acted on
  by the referring agency or the receiving agency, each for its own side.
* MARAC: the coordinator of an area is a member with the coordinator role of the area's
  coordinating agency. They list a referral at a meeting, return it, schedule, minute and
  close meetings, record attendance and a meeting's actions, and change the area's settings.
  A manager of the referring agency signs a referral off. Each invited agency records its own
  research.
* Close an action (done or cancelled): contribute on its case, and one of: the owner agency,
  the lead agency (``manage_case``), or for an action agreed at a MARAC meeting the
  coordinator of that meeting's area.
* Case sections (``view_case_contact`` …) belong here too: see the "Case sections" block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from django.http import Http404

from apps.agencies.actor import Actor
from apps.agencies.models import Role
from apps.cases.permissions import CONTRIBUTE, MANAGE, VIEW
from apps.cases.sections import Visible
from apps.cases.selectors import case_access
from apps.core.exceptions import NotPermitted

if TYPE_CHECKING:  # types only: the policy imports no other app at run time
    from apps.action_plans.models import Action
    from apps.cases.models import Case, Involvement
    from apps.marac.models import MaracArea, MaracReferral, Meeting, Research, RiskChecklist
    from apps.referrals.models import Referral


def _refuse(message: str, *, hide: bool) -> None:
    if hide:
        raise Http404("No such page")
    raise NotPermitted(message)


def _active(actor: Actor | None) -> bool:
    return actor is not None and actor.membership.is_active


def is_writer(*, actor: Actor | None) -> bool:
    """May this actor change anything at all? Auditors are read-only everywhere."""
    return _active(actor) and not actor.read_only


# Cases --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseAbilities:
    """What the actor may do on one case, and which of its sections they see (one read of
    the grants). Templates read ``may.see``, ``may.contribute``, ``may.update``,
    ``may.manage``, ``may.refer``; ``may.visible`` is the sections."""

    held: frozenset[str]
    role: str
    visible: Visible = field(default_factory=lambda: Visible(frozenset()))

    @property
    def read_only(self) -> bool:
        return self.role == Role.AUDITOR  # as ``Actor.read_only``

    @property
    def see(self) -> bool:
        return VIEW in self.held

    @property
    def contribute(self) -> bool:
        return CONTRIBUTE in self.held and not self.read_only

    @property
    def update(self) -> bool:
        return MANAGE in self.held and not self.read_only

    @property
    def manage(self) -> bool:
        return self.update and self.role == Role.MANAGER

    @property
    def refer(self) -> bool:
        return self.contribute


def case_abilities(*, actor: Actor | None, case: Case) -> CaseAbilities:
    if not _active(actor):
        return CaseAbilities(held=frozenset(), role="")
    held, visible = case_access(actor=actor, case=case)
    return CaseAbilities(held=held, role=actor.role, visible=visible)


def may_see_case(*, actor: Actor | None, case: Case) -> bool:
    return case_abilities(actor=actor, case=case).see


def may_contribute(*, actor: Actor | None, case: Case) -> bool:
    """Add notes, people, checklists, actions and the person's wishes to the case."""
    return case_abilities(actor=actor, case=case).contribute


def may_update_case(*, actor: Actor | None, case: Case) -> bool:
    """Change the case's status, risk level or summary (the lead agency)."""
    return case_abilities(actor=actor, case=case).update


def may_manage(*, actor: Actor | None, case: Case) -> bool:
    """Involve another agency or end an involvement (a manager of the lead agency)."""
    return case_abilities(actor=actor, case=case).manage


def may_refer(*, actor: Actor | None, case: Case) -> bool:
    """Refer from this case to another agency's service."""
    return case_abilities(actor=actor, case=case).refer


def may_set_key_worker(*, actor: Actor | None, involvement: Involvement) -> bool:
    """Choose the key worker of an involvement: a manager of that involvement's agency."""
    return (is_writer(actor=actor) and actor.role == Role.MANAGER
            and involvement.agency_id == actor.agency_id)


def require_see_case(*, actor: Actor | None, case: Case) -> None:
    if not may_see_case(actor=actor, case=case):
        raise Http404("No such case")


def require_contribute(*, actor: Actor | None, case: Case, hide: bool = False,
                       message: str = "Your agency cannot add to this case.") -> None:
    if not may_contribute(actor=actor, case=case):
        _refuse(message, hide=hide)


def require_update_case(*, actor: Actor | None, case: Case, hide: bool = False) -> None:
    if not may_update_case(actor=actor, case=case):
        _refuse("Only the lead agency can change the case's status or risk level.", hide=hide)


def require_manage(*, actor: Actor | None, case: Case, hide: bool = False,
                   message: str = "Only a manager of the lead agency can change who is "
                                  "involved.") -> None:
    if not may_manage(actor=actor, case=case):
        _refuse(message, hide=hide)


def require_refer(*, actor: Actor | None, case: Case, hide: bool = False) -> None:
    if not is_writer(actor=actor):
        _refuse("Auditors cannot make referrals.", hide=hide)
    if not may_refer(actor=actor, case=case):
        _refuse("Your agency cannot refer from this case.", hide=hide)


def require_set_key_worker(*, actor: Actor | None, involvement: Involvement,
                           hide: bool = False) -> None:
    if not may_set_key_worker(actor=actor, involvement=involvement):
        _refuse("Only a manager of that agency can assign its key worker.", hide=hide)


def may_act_on_referral(*, actor: Actor | None, referral: Referral,
                        side: Literal["from", "to"]) -> bool:
    """Act on a referral for its referring agency (``"from"``: edit, submit, respond,
    withdraw) or its receiving agency (``"to"``: accept, decline, ask, complete). Which
    action is possible now also depends on the referral's status
    (``apps.referrals.services.allowed_actions``)."""
    if not is_writer(actor=actor):
        return False
    return actor.agency_id == (referral.from_agency_id if side == "from"
                               else referral.to_agency_id)


# Case sections ------------------------------------------------------------------------------
# What each involvement may see is its scope (apps/cases/sections.py, the policy table); the
# grants carry it as section codenames (``view_case_contact`` …), read in one query.


def visible_sections(*, actor: Actor | None, case: Case) -> Visible:
    """The sections of ``case`` the actor may see (empty when they may not see the case)."""
    return case_abilities(actor=actor, case=case).visible


def may_see_section(*, actor: Actor | None, case: Case, section: str) -> bool:
    return section in visible_sections(actor=actor, case=case)


def require_see_section(*, actor: Actor | None, case: Case, section: str,
                        hide: bool = True) -> None:
    """A hidden section does not exist for the actor: 404 by default."""
    if not may_see_section(actor=actor, case=case, section=section):
        _refuse("That part of the case is not shared with your agency.", hide=hide)


# Action plans -------------------------------------------------------------------------------


def may_close_action(*, actor: Actor | None, action: Action,
                     abilities: CaseAbilities | None = None) -> bool:
    """Mark an action done or cancelled. ``abilities``: the actor's on the action's case, when
    the caller already has them (a plan page asks this for every action)."""
    if not is_writer(actor=actor):
        return False
    may = abilities or case_abilities(actor=actor, case=action.plan.case)
    if not may.contribute:
        return False
    if action.owner_agency_id == actor.agency_id or may.update:
        return True
    return (action.meeting_id is not None and actor.role == Role.COORDINATOR
            and may_coordinate(actor=actor, area=action.meeting.area))


def require_close_action(*, actor: Actor | None, action: Action, hide: bool = False) -> None:
    if not may_close_action(actor=actor, action=action):
        _refuse("Only the owner agency, the lead agency or the MARAC coordinator can close "
                "this action.", hide=hide)


# MARAC --------------------------------------------------------------------------------------


def may_coordinate(*, actor: Actor | None, area: MaracArea) -> bool:
    """Is the actor the coordinator of this MARAC area? (A coordinator of its coordinating
    agency.) Listing, returning, scheduling, minuting, attendance, closing a meeting, the
    meeting's actions and the area's settings are theirs."""
    return (is_writer(actor=actor) and actor.role == Role.COORDINATOR
            and area.coordinating_agency_id == actor.agency_id)


def may_list_at_marac(*, actor: Actor | None, referral: MaracReferral) -> bool:
    """List a MARAC referral at a meeting (or return it): the area's coordinator."""
    return may_coordinate(actor=actor, area=referral.area)


def may_minute(*, actor: Actor | None, meeting: Meeting) -> bool:
    """Minute a meeting, record attendance and agreed actions, close it: its coordinator."""
    return may_coordinate(actor=actor, area=meeting.area)


def may_record_research(*, actor: Actor | None, research: Research) -> bool:
    """Submit research for an agenda item: the agency it was asked of."""
    return is_writer(actor=actor) and research.agency_id == actor.agency_id


def may_decide_checklist(*, actor: Actor | None, checklist: RiskChecklist) -> bool:
    """Record whether to refer to MARAC: the assessing agency."""
    return is_writer(actor=actor) and checklist.agency_id == actor.agency_id


def may_refer_to_marac(*, actor: Actor | None, checklist: RiskChecklist,
                       abilities: CaseAbilities | None = None) -> bool:
    """Refer a case to MARAC from a checklist: the assessing agency, while it may contribute
    to the case."""
    if not may_decide_checklist(actor=actor, checklist=checklist):
        return False
    return (abilities or case_abilities(actor=actor, case=checklist.case)).refer


def require_refer_to_marac(*, actor: Actor | None, checklist: RiskChecklist,
                           case: Case | None = None, hide: bool = False) -> None:
    """``case``: the checklist's case when the caller holds it locked."""
    if not may_refer(actor=actor, case=case or checklist.case):
        _refuse("Your agency cannot refer this case.", hide=hide)
    if not may_decide_checklist(actor=actor, checklist=checklist):
        _refuse("Only the assessing agency can refer from this checklist.", hide=hide)


def may_sign_off_marac_referral(*, actor: Actor | None, referral: MaracReferral) -> bool:
    """Sign a MARAC referral off: a manager of the referring agency."""
    return (is_writer(actor=actor) and actor.role == Role.MANAGER
            and referral.referring_agency_id == actor.agency_id)


def require_coordinate(*, actor: Actor | None, area: MaracArea, hide: bool = False) -> None:
    if not may_coordinate(actor=actor, area=area):
        _refuse("Only the MARAC coordinator can do this.", hide=hide)


def require_record_research(*, actor: Actor | None, research: Research,
                            hide: bool = False) -> None:
    if not may_record_research(actor=actor, research=research):
        _refuse("Only that agency can submit its research.", hide=hide)


def require_decide_checklist(*, actor: Actor | None, checklist: RiskChecklist,
                             hide: bool = False) -> None:
    if not may_decide_checklist(actor=actor, checklist=checklist):
        _refuse("Only the assessing agency can decide on this checklist.", hide=hide)


def require_sign_off_marac_referral(*, actor: Actor | None, referral: MaracReferral,
                                    hide: bool = False) -> None:
    if not may_sign_off_marac_referral(actor=actor, referral=referral):
        _refuse("Only a manager of the referring agency can sign this off.", hide=hide)


# Documents ----------------------------------------------------------------------------------
# A document is a chronology entry: seen like a note (shared, or only the uploading agency's)
# and only where the chronology section is shared with the actor's involvement.


def may_see_documents(*, actor: Actor | None, case: Case,
                      visible: Visible | None = None) -> bool:
    """See the case's documents: the chronology section is shared with the actor."""
    from apps.cases.sections import Section

    return Section.CHRONOLOGY in (visible or visible_sections(actor=actor, case=case))


def may_add_document(*, actor: Actor | None, case: Case) -> bool:
    """Attach a file: contribute to the case, and see its chronology."""
    return may_contribute(actor=actor, case=case) and may_see_documents(actor=actor, case=case)


def may_see_document(*, actor: Actor | None, document: object,
                     visible: Visible | None = None) -> bool:
    """One document: the chronology is shared, and the document is shared or the actor's
    agency's own. (Whether it may be downloaded also needs a clean scan: ``servable``.)"""
    if not _active(actor) or not may_see_documents(actor=actor, case=document.case,
                                                   visible=visible):
        return False
    return document.visibility == "shared" or document.agency_id == actor.agency_id


def require_add_document(*, actor: Actor | None, case: Case, hide: bool = False) -> None:
    if not may_add_document(actor=actor, case=case):
        _refuse("Your agency cannot add documents to this case.", hide=hide)


# Records: subject access, retention, rectification -----------------------------------------


def may_answer_subject_access(*, actor: Actor | None, agency_id: object = None) -> bool:
    """Open, assemble, review and release subject access requests: an agency admin, for
    their own agency's requests only."""
    return (is_writer(actor=actor) and actor.role == Role.AGENCY_ADMIN
            and (agency_id is None or agency_id == actor.agency_id))


def require_answer_subject_access(*, actor: Actor | None, agency_id: object = None,
                                  hide: bool = False) -> None:
    if not may_answer_subject_access(actor=actor, agency_id=agency_id):
        _refuse("Only your agency's admin can answer subject access requests.", hide=hide)


def may_decide_retention(*, actor: Actor | None, lead_agency_id: object) -> bool:
    """Confirm the deletion of a case due under its retention rule, or keep it longer: a
    manager of the case's lead agency."""
    return (is_writer(actor=actor) and actor.role == Role.MANAGER
            and actor.agency_id == lead_agency_id)


def may_hold(*, actor: Actor | None, lead_agency_id: object) -> bool:
    """Place or lift a legal hold: a manager or agency admin of the lead agency."""
    return (is_writer(actor=actor) and actor.role in (Role.MANAGER, Role.AGENCY_ADMIN)
            and actor.agency_id == lead_agency_id)


def may_set_retention_rules(*, actor: Actor | None) -> bool:
    """Set the agency's own (stricter) retention rule, and the retention period of an
    agreement it is party to: an agency admin."""
    return is_writer(actor=actor) and actor.role == Role.AGENCY_ADMIN


def require_decide_retention(*, actor: Actor | None, lead_agency_id: object,
                             hide: bool = False) -> None:
    if not may_decide_retention(actor=actor, lead_agency_id=lead_agency_id):
        _refuse("Only a manager of the lead agency can decide on this case's retention.",
                hide=hide)


def require_hold(*, actor: Actor | None, lead_agency_id: object, hide: bool = False) -> None:
    if not may_hold(actor=actor, lead_agency_id=lead_agency_id):
        _refuse("Only a manager or admin of the lead agency can place or lift a legal hold.",
                hide=hide)


def require_set_retention_rules(*, actor: Actor | None, hide: bool = False) -> None:
    if not may_set_retention_rules(actor=actor):
        _refuse("Only your agency's admin can set retention rules.", hide=hide)


# People: one person, two records -----------------------------------------------------------


def may_link_people(*, actor: Actor | None, responsible: list[set]) -> bool:
    """Link two person records as the same person, undo a link, or merge them: a manager of an
    agency answerable for every record involved: the agency that recorded it or the lead
    agency of an open case about the person (``people.selectors.person_responsible_agency_ids``
    gives ``responsible``, one set per record)."""
    return (is_writer(actor=actor) and actor.role == Role.MANAGER and bool(responsible)
            and all(actor.agency_id in agencies for agencies in responsible))


def require_link_people(*, actor: Actor | None, responsible: list[set],
                        hide: bool = False) -> None:
    if not may_link_people(actor=actor, responsible=responsible):
        _refuse("Only a manager of the lead agency of both records can link or merge them.",
                hide=hide)


# --- Work assignment (issue 13): picking up and assigning referrals and cases -------------
# * Assign work (a referral to decide, a case's key worker, a hand-over) to anyone of the
#   agency: a manager of that agency.
# * Pick up (assign to oneself): a referral, by a member of the receiving agency in the team
#   handling its service (any member when the service names no team); a case, by a member of
#   an involved agency who may contribute to it.
# * The assignee must be an active member of the agency, and for a case that agency's
#   involvement must be live (``involvement_is_live``): assignment never gives access to a case
#   the assignee's agency may not see.

def may_assign_work(*, actor: Actor | None, agency_id: object) -> bool:
    return (is_writer(actor=actor) and actor.role == Role.MANAGER
            and actor.agency_id == agency_id)


def may_pick_up_referral(*, actor: Actor | None, referral: Referral) -> bool:
    if not is_writer(actor=actor) or actor.agency_id != referral.to_agency_id:
        return False
    if actor.role == Role.MANAGER:
        return True
    team_id = referral.to_service.handling_team_id if referral.to_service_id else None
    return team_id is None or actor.membership.team_id == team_id


def may_pick_up_case(*, actor: Actor | None, case: Case) -> bool:
    return is_writer(actor=actor) and may_contribute(actor=actor, case=case)


def require_assign_work(*, actor: Actor | None, agency_id: object, hide: bool = False) -> None:
    if not may_assign_work(actor=actor, agency_id=agency_id):
        _refuse("Only a manager of the agency can assign its work.", hide=hide)


def involvement_is_live(*, involvement: Involvement, now: object) -> bool:
    """The agency's involvement still gives it the case: not ended, not past its end time."""
    return involvement.ended_at is None and (involvement.ends_at is None
                                             or involvement.ends_at > now)


def may_hand_over(*, actor: Actor | None, agency_id: object) -> bool:
    """Move a worker's cases, actions and referrals to a colleague: a manager or an agency
    admin of that agency (the admin ends memberships, and is prompted to hand over first)."""
    return (is_writer(actor=actor) and actor.role in (Role.MANAGER, Role.AGENCY_ADMIN)
            and actor.agency_id == agency_id)


def require_hand_over(*, actor: Actor | None, agency_id: object, hide: bool = False) -> None:
    if not may_hand_over(actor=actor, agency_id=agency_id):
        _refuse("Only a manager or an agency admin of the agency can hand over its work.",
                hide=hide)
