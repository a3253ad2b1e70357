"""The permission matrix: every URL pattern and every API operation, for every role, for
every relation to the object, with the expected status.

The world is the Northbridge demo. The object under test is Leah Fairweather's case — led by
Northbridge Police, with Safe Haven as a partner, heard at MARAC — and everything that hangs
off it (its person, involvements, notes, referral, checklist, MARAC referral and agenda item,
action plan, consents). Relations to it:

* ``lead``: a member of Northbridge Police; ``partner``: a member of Safe Haven;
* ``uninvolved``: a member of Hearth Homes (not involved, not a MARAC member);
* ``ended``: a former member of Safe Haven whose membership has ended;
* ``expired``: a member of Hearth Homes whose emergency access to the case has expired.

Each relation is tried with each role (practitioner, manager, agency admin, coordinator,
auditor): one test per (role, relation) for the UI and one for the API, each trying every row.
Every cell must answer exactly one status. Every refused write (a non-GET answering anything
but 200/201/302, or a redirect marked ``Refused``) must have written nothing: PostgreSQL's
per-transaction counters show no insert, update or delete outside the audit trail, the
session and the token's last use. Requests run inside a savepoint that is rolled back, so
every cell sees the same world. A row whose object the world lacks fails (no silent skip), and
a meta-test fails when a URL or an API operation has no row.

The API half is in test_permission_matrix_api.py (it imports this file's world and checks),
so that make test runs the two halves on different cores.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.services import api_token_create
from apps.agencies.models import Agency, Membership, Role
from apps.agencies.services import membership_add, membership_end
from apps.cases.models import Case
from tests.factories import PASSWORD, UserFactory, actor_of

pytestmark = pytest.mark.django_db
ROLES = [Role.PRACTITIONER, Role.MANAGER, Role.AGENCY_ADMIN, Role.COORDINATOR, Role.AUDITOR]
RELATIONS = ["lead", "partner", "uninvolved", "ended", "expired"]
SEES_CASE = {"lead", "partner"}
LEAD, PARTNER, OUTSIDER = "Northbridge Police", "Safe Haven", "Hearth Homes"

# Expected statuses. A rule maps (role, relation) to the one status that cell must answer.
Rule = Callable[[str, str], int]
NO_AGENCY = 403  # a signed-in user with no active membership sees "not a member" only


class Refused(int):
    """A refused write answered with a redirect (the reason shown as a message) or a page:
    its status is compared as usual and, like every 4xx answer to a write, it must have
    written nothing."""


def anyone(ok: int) -> Rule:
    """Pages for every signed-in member, about themselves or the whole directory."""
    return lambda role, rel: NO_AGENCY if rel == "ended" else ok


def case_bound(ok: int, *, roles: set[str] | None = None, relations: set[str] = SEES_CASE,
               denied: int = 404) -> Rule:
    """Pages about the case (or something on it): 404 to anyone who cannot see the case."""
    def rule(role: str, rel: str) -> int:
        if rel == "ended":
            return NO_AGENCY
        if rel in relations and (roles is None or role in roles):
            return ok
        return denied
    return rule


def by_side(*, lead: int, partner: int, auditor: int = 403) -> Rule:
    """The referral from the lead agency (referrer) to the partner (receiver): each side may
    do different things; auditors of either side may do none (403)."""
    def rule(role: str, rel: str) -> int:
        if rel == "ended":
            return NO_AGENCY
        if rel not in SEES_CASE:
            return 404
        if role == Role.AUDITOR:
            return auditor
        return lead if rel == "lead" else partner
    return rule


def nobody() -> Rule:
    """Pages for someone none of these users is (e.g. the MARAC area's own coordinator)."""
    return lambda role, rel: NO_AGENCY if rel == "ended" else 404


def admins_of_own_agency(ok: int) -> Rule:
    return lambda role, rel: (NO_AGENCY if rel == "ended"
                              else ok if role == Role.AGENCY_ADMIN else 404)


def public(ok: int) -> Rule:
    return lambda role, rel: ok


CONTRIBUTORS = set(ROLES) - {Role.AUDITOR}


def _lead_manager(role: str, rel: str, ok: int) -> int:
    return NO_AGENCY if rel == "ended" else ok if (role, rel) == (Role.MANAGER, "lead") else 404


def _partner_admin(role: str, rel: str, ok: int) -> int:
    return NO_AGENCY if rel == "ended" else ok if (role, rel) == (Role.AGENCY_ADMIN,
                                                                  "partner") else 404

UI: dict[str, tuple[str, Rule]] = {
    # name: (method, rule)
    "healthz": ("get", public(200)),
    "accounts:home": ("get", anyone(200)),  # the work tray (issue 13)
    "accounts:login": ("get", public(302)),  # signed-in users are sent on
    "accounts:logout": ("get", public(405)),
    "accounts:switch-agency": ("get", anyone(200)),
    "accounts:profile": ("get", public(200)),
    "accounts:two-factor-setup": ("get", public(200)),
    "accounts:two-factor-verify": ("get", public(200)),
    "accounts:two-factor-backup-codes": ("post", public(404)),  # only after verifying
    "accounts:two-factor-remove": ("post", public(404)),  # only after verifying
    "accounts:token-revoke": ("post", public(404)),  # someone else's token
    "cases:my-work": ("get", anyone(200)),
    "cases:detail": ("get", case_bound(200)),
    "cases:edit": ("get", case_bound(200, relations={"lead"}, roles=CONTRIBUTORS)),
    "cases:note-add": ("post", case_bound(400, roles=CONTRIBUTORS)),  # empty note
    "cases:person-add": ("get", case_bound(200, roles=CONTRIBUTORS)),
    "cases:person-link": ("post", case_bound(400, roles=CONTRIBUTORS)),
    "cases:involvement-add": ("get", case_bound(200, roles={Role.MANAGER}, relations={"lead"})),
    "cases:involvement-end": ("get", case_bound(200, roles={Role.MANAGER}, relations={"lead"})),
    "cases:involvement-scope": ("get", case_bound(200, roles={Role.MANAGER},
                                                  relations={"lead"})),
    "cases:key-worker": ("get", case_bound(200, roles={Role.MANAGER}, relations={"partner"})),
    "people:list": ("get", anyone(200)),
    "people:create": ("get", anyone(200)),
    "people:detail": ("get", case_bound(200)),
    "people:open-case": ("post", case_bound(400)),
    # One person, two records (issue 16): a manager of the agency answerable for both records
    # (Leah and her daughter Ruby, both recorded by the police, which leads the case).
    "people:same-person": ("get", lambda role, rel: _lead_manager(role, rel, 200)),
    "people:same-person-decide": ("get", lambda role, rel: _lead_manager(role, rel, 200)),
    "people:unlink": ("post", lambda role, rel: _lead_manager(role, rel, 302)),
    "agencies:members": ("get", admins_of_own_agency(200)),
    "agencies:member-add": ("get", admins_of_own_agency(200)),
    "agencies:member-request": ("get", admins_of_own_agency(200)),
    "agencies:secondments": ("get", admins_of_own_agency(200)),
    "agencies:member-role": ("get", lambda role, rel: (
        NO_AGENCY if rel == "ended" else 200 if (role, rel) == (Role.AGENCY_ADMIN, "lead")
        else 404)),
    "agencies:member-end": ("get", lambda role, rel: (
        NO_AGENCY if rel == "ended" else 200 if (role, rel) == (Role.AGENCY_ADMIN, "lead")
        else 404)),
    "audit:access-log": ("get", lambda role, rel: (
        NO_AGENCY if rel == "ended"
        else 200 if role in (Role.AGENCY_ADMIN, Role.AUDITOR) else 404)),
    "audit:case-access": ("get", case_bound(200, roles={Role.AGENCY_ADMIN, Role.AUDITOR})),
    # Referrals: the referral on the case goes from the lead agency to the partner.
    "referrals:new": ("get", case_bound(200, roles=CONTRIBUTORS)),
    "referrals:inbox-root": ("get", anyone(200)),
    "referrals:inbox": ("get", anyone(200)),
    "referrals:inbox-tab": ("get", anyone(200)),
    "referrals:outgoing": ("get", anyone(200)),
    "referrals:detail": ("get", case_bound(200)),
    # The referral has been submitted: nobody edits it any more.
    "referrals:edit": ("get", nobody()),
    "referrals:submit": ("post", by_side(lead=409, partner=403)),  # already submitted
    "referrals:accept": ("post", by_side(lead=403, partner=302)),  # the receiver accepts
    # Empty forms: the reason, question, answer or outcome is required.
    "referrals:decline": ("post", case_bound(400)),
    "referrals:request-info": ("post", case_bound(400)),
    "referrals:respond": ("post", case_bound(400)),
    "referrals:withdraw": ("post", by_side(lead=302, partner=403)),  # the referrer withdraws
    "referrals:complete": ("post", case_bound(400)),
    # Lawful sharing: the agreement is between the lead and the partner agency.
    "consent:home": ("get", anyone(200)),
    "consent:policy": ("post", admins_of_own_agency(302)),
    "consent:dsa-new": ("get", admins_of_own_agency(200)),
    "consent:dsa-detail": ("get", case_bound(200)),
    # Agency admins sign after confirming their declaration (issue 16): the partner's admin,
    # who has not signed yet, is shown the confirmation page again (400: the declaration was
    # not confirmed), nothing signed; everyone else is refused with a message (the lead's
    # admin has signed; others may not sign).
    "consent:dsa-sign": ("post", lambda role, rel: (
        NO_AGENCY if rel == "ended" else 404 if rel not in SEES_CASE
        else 400 if (role, rel) == (Role.AGENCY_ADMIN, "partner") else Refused(302))),
    "consent:dsa-terminate": ("post", case_bound(400)),  # the reason is required
    "consent:person-consents": ("get", case_bound(200)),
    "consent:consent-detail": ("get", case_bound(200)),
    "consent:emergency-access": ("get", anyone(200)),
    "consent:case-why": ("get", case_bound(200)),
    # MARAC: the case was heard; both agencies are MARAC members, Hearth Homes is not.
    "marac:case-risk": ("get", case_bound(200)),
    "marac:checklist-new": ("get", case_bound(200, roles=CONTRIBUTORS)),
    "marac:checklist": ("get", case_bound(200)),
    "marac:referral-new": ("get", nobody()),  # this checklist was already referred
    "marac:home": ("get", anyone(200)),
    "marac:referral": ("get", case_bound(200, relations={"lead"})),  # the referring agency
    # Not awaiting sign-off: refused with a message.
    "marac:referral-sign-off": ("post", case_bound(Refused(302), relations={"lead"})),
    # The area's coordinator only (a coordinator of another agency is not):
    "marac:referral-list": ("post", nobody()),
    "marac:referral-return": ("post", nobody()),
    "marac:meeting-new": ("get", nobody()),
    "marac:meeting": ("get", case_bound(200)),
    "marac:pack": ("get", case_bound(200)),
    "marac:pack-pdf": ("get", case_bound(200)),  # the same pack as an A4 PDF
    "marac:minutes": ("get", case_bound(200)),
    "marac:attendance": ("get", nobody()),
    "marac:meeting-close": ("post", nobody()),
    "marac:research": ("get", nobody()),  # the meeting has been held: research is closed
    "marac:item-minutes": ("get", nobody()),
    "marac:item-action-add": ("post", nobody()),
    "marac:stats": ("get", nobody()),
    "marac:area-settings": ("get", nobody()),
    # The case's one action plan.
    "action_plans:plan": ("get", case_bound(200)),
    "action_plans:action-new": ("post", case_bound(400, roles=CONTRIBUTORS)),  # empty form
    "action_plans:wishes": ("post", case_bound(302, roles=CONTRIBUTORS)),
    "action_plans:print": ("get", case_bound(200)),
    # The owner agency, the lead or the area's coordinator; never an auditor (policy).
    "action_plans:close": ("get", case_bound(200, roles=CONTRIBUTORS)),
    # A user's own notifications, for the agency they act for (none after their membership
    # ended); someone else's notification is never found.
    "notifications:list": ("get", public(200)),
    "notifications:read-all": ("post", public(302)),
    "notifications:preference": ("post", public(400)),
    "notifications:read": ("post", public(404)),
    # The service directory; the service under test is the partner's.
    "services:list": ("get", anyone(200)),
    "services:mine": ("get", admins_of_own_agency(200)),
    "services:new": ("get", admins_of_own_agency(200)),
    "services:detail": ("get", anyone(200)),
    "services:edit": ("get", lambda role, rel: (
        NO_AGENCY if rel == "ended"
        else 200 if (role, rel) == (Role.AGENCY_ADMIN, "partner") else 404)),
    # The public Open Referral UK directory (apps/interop/oruk): the same for everyone.
    **{f"oruk:{name}": ("get", public(200)) for name in (
        "index", "services", "service", "service_at_locations", "service_at_location",
        "organizations", "organization", "taxonomies", "taxonomy", "taxonomy_terms",
        "taxonomy_term")},
    # The ORUK import: Safe Haven's (the partner's) admin reviews its staged services.
    "oruk_import:list": ("get", admins_of_own_agency(200)),
    "oruk_import:review": ("get", lambda role, rel: _partner_admin(role, rel, 200)),
    "oruk_import:apply": ("post", lambda role, rel: _partner_admin(role, rel, 302)),
    "oruk_import:reject": ("post", lambda role, rel: _partner_admin(role, rel, 302)),
}
def only(ok: int, *cells: tuple[str, str]) -> Rule:
    """Pages for exactly these (role, relation) cells; everyone else: 404."""
    return lambda role, rel: (NO_AGENCY if rel == "ended" else ok if (role, rel) in cells
                              else 404)


# Records (issue 18): documents on the case; Safe Haven's subject access request (demo) and
# the retention review of Safe Haven's closed case (demo).
SAFE_HAVEN_ADMIN = (Role.AGENCY_ADMIN, "partner")
SAFE_HAVEN_MANAGER = (Role.MANAGER, "partner")
UI.update({
    "documents:list": ("get", case_bound(200)),
    "documents:download": ("get", case_bound(200)),
    "records:sar-list": ("get", admins_of_own_agency(200)),
    "records:sar-open": ("get", admins_of_own_agency(200)),
    "records:sar-detail": ("get", only(200, SAFE_HAVEN_ADMIN)),
    "records:sar-bundle": ("get", only(200, SAFE_HAVEN_ADMIN)),
    "records:retention": ("get", lambda role, rel: (
        NO_AGENCY if rel == "ended" else 200 if role in (Role.MANAGER, Role.AGENCY_ADMIN)
        else 404)),
    "records:retention-review": ("get", only(200, SAFE_HAVEN_ADMIN, SAFE_HAVEN_MANAGER)),
    "records:person-correct": ("get", case_bound(200, roles=CONTRIBUTORS)),
    "records:rights-requests": ("get", admins_of_own_agency(200)),
    "records:rights-request": ("get", only(200, SAFE_HAVEN_ADMIN)),
})



def reporters(ok: int) -> Rule:
    """Report pages (apps/insight): managers, agency admins and MARAC coordinators."""
    return lambda role, rel: (NO_AGENCY if rel == "ended" else ok if role in {
        Role.MANAGER, Role.AGENCY_ADMIN, Role.COORDINATOR} else 404)


# Webhooks (issue 15): an agency admin's own agency's; Safe Haven's webhook is its admin's.
UI.update({
    "webhooks:list": ("get", admins_of_own_agency(200)),
    "webhooks:new": ("get", admins_of_own_agency(200)),
    "webhooks:edit": ("get", only(200, SAFE_HAVEN_ADMIN)),
    "webhooks:rotate": ("post", only(200, SAFE_HAVEN_ADMIN)),  # the new secret, shown once
    "webhooks:test": ("post", only(302, SAFE_HAVEN_ADMIN)),
    "webhooks:deliveries": ("get", only(200, SAFE_HAVEN_ADMIN)),
    "webhooks:resend": ("post", only(302, SAFE_HAVEN_ADMIN)),  # it gave up: sent again
})
# Reports (issue 14): aggregates only; the MARAC return is for the area's own coordinator.
UI.update({
    "insight:home": ("get", reporters(200)),
    "insight:funnel": ("get", reporters(200)),
    "insight:equality": ("get", reporters(200)),
    "insight:equality-about": ("get", reporters(200)),
    "insight:marac-return": ("get", nobody()),
})
# The working surface (issue 13). The team under test is Safe Haven's (the partner's) IDVA
# team, which handles the service the referral went to; the membership handed over is
# pc.jones's (the lead's).
MANAGERS = {Role.MANAGER}


def _pick_up_referral(role: str, rel: str) -> int:
    if rel == "ended":
        return NO_AGENCY
    if rel not in SEES_CASE:
        return 404
    # The receiving agency's manager picks it up; its other members are not in the team.
    return 302 if (role, rel) == (Role.MANAGER, "partner") else 403


def _pick_up_case(role: str, rel: str) -> int:
    if rel == "ended":
        return NO_AGENCY
    if rel not in SEES_CASE:
        return 404
    return Refused(302) if role == Role.AUDITOR else 302


UI.update({
    "agencies:teams": ("get", admins_of_own_agency(200)),
    "agencies:team-detail": ("get", only(200, SAFE_HAVEN_ADMIN)),
    "referrals:assign": ("post", _pick_up_referral),
    "cases:pick-up": ("post", _pick_up_case),
    "work:caseload": ("get", lambda role, rel: (
        NO_AGENCY if rel == "ended" else 200 if role in MANAGERS else 404)),
    "work:caseload-teams": ("get", lambda role, rel: (
        NO_AGENCY if rel == "ended" else 200 if role in MANAGERS else 404)),
    # An empty form: the owner agency's manager is told to choose someone (nothing changes).
    "work:action-reassign": ("post", only(Refused(302), SAFE_HAVEN_MANAGER)),
    # Safe Haven's research on Leah's agenda item: its manager is told to choose someone.
    "work:research-reassign": ("post", only(Refused(302), SAFE_HAVEN_MANAGER)),
    "work:handover": ("get", only(200, (Role.MANAGER, "lead"), (Role.AGENCY_ADMIN, "lead"))),
    "work:workforce": ("get", lambda role, rel: (
        NO_AGENCY if rel == "ended"
        else 200 if role in (Role.MANAGER, Role.AGENCY_ADMIN) else 404)),
    "work:workforce-csv": ("get", lambda role, rel: (
        NO_AGENCY if rel == "ended"
        else 200 if role in (Role.MANAGER, Role.AGENCY_ADMIN) else 404)),
})
# Names whose <uuid:referral_id> is a MARAC referral, not an agency-to-agency referral.
MARAC_REFERRAL_URLS = {"marac:referral", "marac:referral-sign-off", "marac:referral-list",
                       "marac:referral-return"}

CASE_KWARGS = {"case_id", "person_id", "involvement_id", "referral_id", "checklist_id",
               "action_id", "item_id", "consent_id"}


@dataclass
class World:
    case: Case
    objects: dict[str, object]
    users: dict[tuple[str, str], object] = field(default_factory=dict)


def _member(agency: Agency, role: str) -> Membership:
    return membership_add(actor=None, user=UserFactory(), agency=agency, role=role)


def _build() -> World:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from apps.action_plans.models import Action
    from apps.agencies.models import Service
    from apps.consent.models import ConsentRecord, DataSharingAgreement, EmergencyAccess
    from apps.consent.services import emergency_access_expire, emergency_access_start
    from apps.marac.models import AgendaItem, MaracReferral, RiskChecklist
    from apps.notifications.models import Notification
    from apps.referrals.models import Referral

    agencies = {a.name: a for a in Agency.objects.all()}
    case = Case.objects.get(subject__given_name="Leah", subject__family_name="Fairweather")
    world = World(case=case, objects={})
    for role in ROLES:
        world.users[(role, "lead")] = _member(agencies[LEAD], role)
        world.users[(role, "partner")] = _member(agencies[PARTNER], role)
        world.users[(role, "uninvolved")] = _member(agencies[OUTSIDER], role)
        ended = _member(agencies[PARTNER], role)
        membership_end(actor=None, membership=ended)
        world.users[(role, "ended")] = ended
        expired = _member(agencies[OUTSIDER], role)
        if role != Role.AUDITOR:  # auditors cannot break glass: theirs is plain uninvolved
            emergency_access_start(actor=actor_of(expired), case=case,
                                   reason="Child missing; need the safety plan now.")
        world.users[(role, "expired")] = expired
    emergency_access_expire(now=timezone.now() + datetime.timedelta(days=2))

    if not Referral.objects.filter(case=case, to_agency=agencies[PARTNER]).exists():
        from apps.referrals.services import referral_create

        referral_create(
            actor=actor_of(Membership.objects.active().get(user__username="pc.jones")),
            case=case, to_service=Service.objects.filter(agency=agencies[PARTNER]).first(),
            reason="Needs IDVA support.", basis={
                "kind": "lawful_basis", "lawful_basis": "crime_prevention",
                "justification": "Serious risk of further assault."}, submit=True)
    if not ConsentRecord.objects.filter(person_id=case.subject_id).exists():
        from apps.consent.services import consent_record

        today = timezone.localdate()
        consent_record(
            actor=actor_of(Membership.objects.active().get(user__username="pc.jones")),
            person=case.subject, given_by="person", given_on=today, method="written",
            review_date=today + datetime.timedelta(days=180), scope_agencies=[
                agencies[PARTNER]], purposes=["support"])
    item = AgendaItem.objects.filter(case=case).select_related("meeting").first()
    police_member = Membership.objects.active().filter(user__username="pc.jones").first()
    world.objects.update({
        "case_id": case.pk,
        "person_id": case.subject_id,
        "involvement_id": case.involvements.get(agency=agencies[PARTNER],
                                                ended_at__isnull=True).pk,
        "membership_id": police_member.pk,
        "token_id": api_token_create(membership=police_member, name="not yours")[0].pk,
        "referral_id": Referral.objects.filter(case=case, to_agency=agencies[PARTNER])
        .values_list("pk", flat=True).first(),
        "checklist_id": RiskChecklist.objects.filter(case=case).values_list("pk",
                                                                           flat=True).first(),
        "marac_referral_id": MaracReferral.objects.filter(checklist__case=case)
        .values_list("pk", flat=True).first(),
        "service_id": Service.objects.filter(agency=agencies[PARTNER]).values_list(
            "pk", flat=True).first(),
        "notification_id": Notification.objects.exclude(
            recipient__username__startswith="user").values_list("pk", flat=True).first(),
        "action_id": Action.objects.filter(plan__case=case).values_list("pk", flat=True).first(),
        "agency_id": agencies[LEAD].pk,
        "note_id": case.notes.filter(visibility="shared").values_list("pk", flat=True).first(),
        "emergency_access_id": EmergencyAccess.objects.filter(
            case=case, user=world.users[(Role.COORDINATOR, "expired")].user).values_list(
            "pk", flat=True).first(),
        "item_id": item.pk if item else None,
        "meeting_id": item.meeting_id if item else None,
        "area_id": item.meeting.area_id if item else None,
        "consent_id": ConsentRecord.objects.filter(person_id=case.subject_id)
        .values_list("pk", flat=True).first(),
        "agreement_id": DataSharingAgreement.objects.filter(parties__agency=agencies[LEAD])
        .filter(parties__agency=agencies[PARTNER]).values_list("pk", flat=True).first(),
    })
    from apps.interop.models import StagedService
    from apps.interop.oruk import ids

    world.objects.update({
        "staged_id": StagedService.objects.filter(agency=agencies[PARTNER], state="pending")
        .values_list("pk", flat=True).first(),
        "taxonomy_id": ids.NEEDS_TAXONOMY_ID, "term_id": ids.need_term_id("housing"),
    })
    world.objects["sharing_basis_id"] = Referral.objects.filter(
        pk=world.objects["referral_id"]).values_list("sharing_basis_id", flat=True).first()
    world.objects.update(_records_objects(case))
    world.objects.update(_people_objects(case))
    world.objects.update(_webhook_objects())
    from apps.agencies.models import Team
    from apps.marac.models import Research

    world.objects["research_id"] = Research.objects.filter(
        item__case=case, agency=agencies[PARTNER]).values_list("pk", flat=True).first()
    world.objects["team_id"] = Team.objects.filter(agency=agencies[PARTNER]).values_list(
        "pk", flat=True).first()
    return world


def _people_objects(case: Case) -> dict[str, object]:
    """Another person on the case (Ruby, Leah's daughter) and a live "same person" link
    between the two records, made by the police manager (issue 16)."""
    from apps.people.identity_services import person_link
    from apps.people.models import Person

    ruby = Person.objects.get(given_name="Ruby", family_name="Fairweather")
    dean = Person.objects.get(given_name="Dean", family_name="Fairweather")
    manager = actor_of(Membership.objects.active().get(user__username="sgt.khan"))
    link = person_link(actor=manager, person=case.subject, other=ruby, reason="Matrix.")
    return {"other_id": ruby.pk, "link_id": link.pk, "dean_id": dean.pk}


def _webhook_objects() -> dict[str, object]:
    """A webhook of Safe Haven's (its admin's) with a delivery that gave up (issue 15)."""
    from apps.webhooks.models import DeliveryStatus, WebhookDelivery
    from apps.webhooks.services import endpoint_create, endpoint_send_test

    admin = actor_of(Membership.objects.active().get(user__username="admin.safehaven"))
    endpoint, _secret = endpoint_create(actor=admin, url="https://93.184.215.14/hooks",
                                        events=["referral.received"])
    delivery = endpoint_send_test(actor=admin, endpoint=endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.GIVEN_UP)
    return {"webhook_id": endpoint.pk, "delivery_id": delivery.pk}


def _records_objects(case: Case) -> dict[str, object]:
    """A scanned shared document on the case (by its lead), and the demo's subject access
    request and retention review (both Safe Haven's)."""
    import io

    from apps.documents.services import document_scan, document_upload
    from apps.records.models import RetentionReview, RightsRequest, SubjectAccessRequest

    police = actor_of(Membership.objects.active().get(user__username="pc.jones"))
    document = document_upload(actor=police, case=case, upload=io.BytesIO(b"Statement."),
                               filename="statement.txt", title="Statement")
    document_scan(document_id=document.pk)
    return {"document_id": document.pk,
            "sar_id": SubjectAccessRequest.objects.values_list("pk", flat=True).first(),
            "review_id": RetentionReview.objects.values_list("pk", flat=True).first(),
            "request_id": RightsRequest.objects.values_list("pk", flat=True).first()}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = _build()
        with connection.cursor() as cursor:  # plan for the demo's size, not an earlier test's
            cursor.execute("ANALYZE")
        yield built
        transaction.set_rollback(True)


def _ui_patterns() -> dict[str, str]:
    found = {}

    def walk(patterns: list, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith(("admin/", "api/")):
                    continue
                ns = ":".join(filter(None, [namespace, p.namespace])) or None
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                found[f"{namespace}:{p.name}" if namespace else p.name] = prefix + str(p.pattern)
    walk(get_resolver().url_patterns, "", None)
    return found


def _path(name: str, pattern: str, objects: dict[str, object]) -> str | None:
    path = "/" + pattern
    if name in MARAC_REFERRAL_URLS:
        path = path.replace("<uuid:referral_id>", str(objects["marac_referral_id"]))
    for name, value in objects.items():
        token = f"<uuid:{name}>"
        if token in path:
            if value is None:
                return None
            path = path.replace(token, str(value))
    return path.replace("<slug:tab>", "new")


# Tables a refused request may still write: the audit trail (a refused attempt is recorded),
# the session, and the API token's "last used" time. Anything else written by a refused
# request is a failure.
MAY_WRITE_WHEN_REFUSED = {"audit_accessevent", "django_session", "accounts_apitoken"}
SUCCESS = {200, 201, 204, 302}


def _writes() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction, by table (PostgreSQL's
    own per-transaction counters: exact, and cover every table, history triggers included)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del "
                       "FROM pg_stat_xact_user_tables")
        return dict(cursor.fetchall())


def _request(client: Client | APIClient, method: str, path: str,
             body: dict | None = None) -> tuple[object, set[str]]:
    """The status, and the tables the request wrote to; rolled back, so every cell sees the
    same world."""
    with transaction.atomic():
        before = _writes()
        if body is not None:
            response = getattr(client, method)(path, body, format="json")
        else:
            response = getattr(client, method)(path)
        after = _writes()
        transaction.set_rollback(True)
    written = {table for table, n in after.items() if n != before.get(table, 0)}
    return response, written


def _check(failures: list[str], label: str, method: str, status: int, expected: int,
           written: set[str]) -> None:
    if status != expected:
        failures.append(f"{label}: {status}, expected {expected}")
    if method != "get" and (status not in SUCCESS or isinstance(expected, Refused)):
        wrote = sorted(written - MAY_WRITE_WHEN_REFUSED)
        if wrote:
            failures.append(f"{label}: refused with {status} but wrote to {wrote}")


def _dump(kind: str, role: str, relation: str, rows: dict) -> None:
    """MATRIX_DUMP=dir writes the observed statuses (for reviewing a change of the rules)."""
    import json
    import os

    folder = os.environ.get("MATRIX_DUMP")
    if folder:
        with open(f"{folder}/{kind}-{role}-{relation}.json", "w") as out:
            json.dump(rows, out, indent=0, sort_keys=True)


def test_every_ui_url_has_a_row():
    missing = sorted(set(_ui_patterns()) - set(UI))
    assert not missing, f"URL patterns with no permission-matrix row: {missing}"


CELLS = [(role, relation) for role in ROLES for relation in RELATIONS]


@pytest.mark.parametrize(("role", "relation"), CELLS)
def test_ui_matrix(world, role, relation):
    patterns = _ui_patterns()
    membership = world.users[(role, relation)]
    client = Client()
    assert client.login(username=membership.user.username, password=PASSWORD)
    failures, seen = [], {}
    for name, (method, rule) in UI.items():
        path = _path(name, patterns[name], world.objects)
        assert path is not None, f"{name}: the world has no object for {patterns[name]}"
        response, written = _request(client, method, path)
        status = response.status_code
        seen[name] = [status, sorted(written)]
        _check(failures, f"{name} {method.upper()} {role}/{relation}", method, status,
               rule(role, relation), written)
    _dump("ui", role, relation, seen)
    assert len(seen) == len(UI)
    assert not failures, "\n".join(failures)


def test_the_write_detector_sees_inserts_updates_and_history(db):
    """The effect check rests on PostgreSQL's per-transaction counters: a refused write that
    changed any row, in any table (history triggers included), would be seen."""
    from tests.factories import make_agency

    with transaction.atomic():
        before = _writes()
        agency = make_agency(name="Detector Test")
        Agency.objects.filter(pk=agency.pk).update(active=False)
        after = _writes()
        transaction.set_rollback(True)
    changed = {table for table, n in after.items() if n != before.get(table, 0)}
    assert "agencies_agency" in changed
    assert after["agencies_agency"] - before.get("agencies_agency", 0) >= 2
    failures: list[str] = []
    _check(failures, "x", "post", 403, 403, changed)
    assert failures and "wrote to" in failures[0]
    failures = []
    _check(failures, "x", "post", 302, Refused(302), {"agencies_agency"})
    assert failures
    failures = []
    _check(failures, "x", "post", 403, 403, {"audit_accessevent", "django_session"})
    assert not failures
