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
auditor). Requests that change data run inside a savepoint that is rolled back, so every cell
sees the same world. A meta-test fails when a URL or an API operation has no row.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.db import transaction
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

# Expected statuses. A rule maps (role, relation) to the set of acceptable statuses.
Rule = Callable[[str, str], set[int]]
NO_AGENCY = {403}  # a signed-in user with no active membership sees "not a member" only


def anyone(*ok: int) -> Rule:
    """Pages for every signed-in member, about themselves or the whole directory."""
    return lambda role, rel: NO_AGENCY if rel == "ended" else set(ok)


def case_bound(*ok: int, roles: set[str] | None = None, relations: set[str] = SEES_CASE,
               denied: int = 404) -> Rule:
    """Pages about the case (or something on it): 404 to anyone who cannot see the case."""
    def rule(role: str, rel: str) -> set[int]:
        if rel == "ended":
            return NO_AGENCY
        if rel in relations and (roles is None or role in roles):
            return set(ok)
        return {denied}
    return rule


def nobody() -> Rule:
    """Pages for someone none of these users is (e.g. the MARAC area's own coordinator)."""
    return lambda role, rel: NO_AGENCY if rel == "ended" else {404}


def admins_of_own_agency(*ok: int) -> Rule:
    return lambda role, rel: (NO_AGENCY if rel == "ended"
                              else set(ok) if role == Role.AGENCY_ADMIN else {404})


def public(*ok: int) -> Rule:
    return lambda role, rel: set(ok)


CONTRIBUTORS = set(ROLES) - {Role.AUDITOR}
FORM = (200,)
POSTED = (200, 302, 400, 403, 409)  # a visible object: done, refused or invalid, never 404

UI: dict[str, tuple[str, Rule]] = {
    # name: (method, rule)
    "healthz": ("get", public(200)),
    "accounts:home": ("get", public(302)),
    "accounts:login": ("get", public(302)),  # signed-in users are sent on
    "accounts:logout": ("get", public(405)),
    "accounts:switch-agency": ("get", anyone(200)),
    "accounts:profile": ("get", public(200)),
    "accounts:two-factor-setup": ("get", public(200)),
    "accounts:two-factor-verify": ("get", public(200)),
    "accounts:two-factor-backup-codes": ("post", public(404)),  # only after verifying
    "accounts:token-revoke": ("post", public(404)),  # someone else's token
    "cases:my-work": ("get", anyone(200)),
    "cases:detail": ("get", case_bound(200)),
    "cases:edit": ("get", case_bound(200, relations={"lead"}, roles=CONTRIBUTORS)),
    "cases:note-add": ("post", case_bound(400, roles=CONTRIBUTORS)),
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
    "agencies:members": ("get", admins_of_own_agency(200)),
    "agencies:member-add": ("get", admins_of_own_agency(200)),
    "agencies:member-role": ("get", lambda role, rel: (
        NO_AGENCY if rel == "ended" else {200} if (role, rel) == (Role.AGENCY_ADMIN, "lead")
        else {404})),
    "agencies:member-end": ("get", lambda role, rel: (
        NO_AGENCY if rel == "ended" else {200} if (role, rel) == (Role.AGENCY_ADMIN, "lead")
        else {404})),
    "audit:access-log": ("get", lambda role, rel: (
        NO_AGENCY if rel == "ended"
        else {200} if role in (Role.AGENCY_ADMIN, Role.AUDITOR) else {404})),
    "audit:case-access": ("get", case_bound(200, roles={Role.AGENCY_ADMIN, Role.AUDITOR})),
    # Referrals: the referral on the case goes from the lead agency to the partner.
    "referrals:new": ("get", case_bound(200, roles=CONTRIBUTORS)),
    "referrals:inbox-root": ("get", anyone(200)),
    "referrals:inbox": ("get", anyone(200)),
    "referrals:inbox-tab": ("get", anyone(200)),
    "referrals:outgoing": ("get", anyone(200)),
    "referrals:detail": ("get", case_bound(200)),
    "referrals:edit": ("get", case_bound(200, 404, 409)),
    "referrals:submit": ("post", case_bound(*POSTED)),
    "referrals:accept": ("post", case_bound(*POSTED)),
    "referrals:decline": ("post", case_bound(*POSTED)),
    "referrals:request-info": ("post", case_bound(*POSTED)),
    "referrals:respond": ("post", case_bound(*POSTED)),
    "referrals:withdraw": ("post", case_bound(*POSTED)),
    "referrals:complete": ("post", case_bound(*POSTED)),
    # Lawful sharing: the agreement is between the lead and the partner agency.
    "consent:home": ("get", anyone(200)),
    "consent:policy": ("post", admins_of_own_agency(302)),
    "consent:dsa-new": ("get", admins_of_own_agency(200)),
    "consent:dsa-detail": ("get", case_bound(200)),
    "consent:dsa-sign": ("post", case_bound(*POSTED)),
    "consent:dsa-terminate": ("post", case_bound(*POSTED)),
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
    "marac:referral-sign-off": ("post", case_bound(*POSTED, relations={"lead"})),
    # The area's coordinator only (a coordinator of another agency is not):
    "marac:referral-list": ("post", nobody()),
    "marac:referral-return": ("post", nobody()),
    "marac:meeting-new": ("get", nobody()),
    "marac:meeting": ("get", case_bound(200)),
    "marac:pack": ("get", case_bound(200)),
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
    "action_plans:action-new": ("post", case_bound(*POSTED, roles=CONTRIBUTORS)),
    "action_plans:wishes": ("post", case_bound(*POSTED, roles=CONTRIBUTORS)),
    "action_plans:print": ("get", case_bound(200)),
    "action_plans:close": ("get", case_bound(200)),
    # A user's own notifications (also after their membership ended); someone else's
    # notification is never found.
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
        else {200} if (role, rel) == (Role.AGENCY_ADMIN, "partner") else {404})),
}
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
    world.objects["sharing_basis_id"] = Referral.objects.filter(
        pk=world.objects["referral_id"]).values_list("sharing_basis_id", flat=True).first()
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
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


def _request(client: Client | APIClient, method: str, path: str) -> int:
    with transaction.atomic():
        response = getattr(client, method)(path)
        transaction.set_rollback(True)
    return response.status_code


def test_every_ui_url_has_a_row():
    missing = sorted(set(_ui_patterns()) - set(UI))
    assert not missing, f"URL patterns with no permission-matrix row: {missing}"


def test_ui_matrix(world):
    patterns = _ui_patterns()
    failures, cells = [], 0
    for (role, relation), membership in world.users.items():
        client = Client()
        assert client.login(username=membership.user.username, password=PASSWORD)
        for name, (method, rule) in UI.items():
            path = _path(name, patterns[name], world.objects)
            if path is None:
                continue
            status = _request(client, method, path)
            cells += 1
            if status not in rule(role, relation):
                failures.append(f"{name} {method.upper()} {role}/{relation}: {status}, "
                                f"expected {sorted(rule(role, relation))}")
    assert cells >= len(UI) * len(world.users) * 0.9
    assert not failures, "\n".join(failures)


# ---- The API: every operation in the OpenAPI schema. An ended membership's token is refused
# (401) everywhere, so rows describe the active relations.
VISIBLE_POST = (*POSTED, 201)
CREATE = (400, 403)
API: dict[tuple[str, str], Rule] = {
    ("get", "/api/v1/actions/"): anyone(200),
    ("post", "/api/v1/actions/"): anyone(*CREATE),
    ("get", "/api/v1/actions/{id}/"): case_bound(200),
    ("post", "/api/v1/actions/{id}/cancel/"): case_bound(*VISIBLE_POST),
    ("post", "/api/v1/actions/{id}/complete/"): case_bound(*VISIBLE_POST),
    ("get", "/api/v1/agencies/"): anyone(200),
    ("get", "/api/v1/agencies/{id}/"): anyone(200),
    ("get", "/api/v1/cases/"): anyone(200),
    ("post", "/api/v1/cases/"): anyone(*CREATE),
    ("get", "/api/v1/cases/{id}/"): case_bound(200),
    ("patch", "/api/v1/cases/{id}/"): case_bound(200, 400, 403),
    ("get", "/api/v1/cases/{case_id}/involvements/"): case_bound(200),
    ("post", "/api/v1/cases/{case_id}/involvements/"): case_bound(*CREATE),
    ("get", "/api/v1/cases/{case_id}/involvements/{id}/"): case_bound(200),
    ("post", "/api/v1/cases/{case_id}/involvements/{id}/end/"): case_bound(*VISIBLE_POST),
    ("post", "/api/v1/cases/{case_id}/involvements/{id}/scope/"): case_bound(*VISIBLE_POST),
    ("get", "/api/v1/cases/{case_id}/notes/"): case_bound(200),
    ("post", "/api/v1/cases/{case_id}/notes/"): case_bound(*CREATE),
    ("get", "/api/v1/cases/{case_id}/notes/{id}/"): case_bound(200),
    ("get", "/api/v1/cases/{case_id}/why/"): case_bound(200),
    ("get", "/api/v1/consents/"): anyone(200),
    ("post", "/api/v1/consents/"): anyone(*CREATE),
    ("get", "/api/v1/consents/{id}/"): case_bound(200),
    ("post", "/api/v1/consents/{id}/withdraw/"): case_bound(*VISIBLE_POST),
    ("get", "/api/v1/emergency-accesses/"): anyone(200),
    ("post", "/api/v1/emergency-accesses/"): anyone(*CREATE),
    # Break-glass records: the lead agency's, and the user's own (here: the coordinator's).
    ("get", "/api/v1/emergency-accesses/{id}/"): lambda role, rel: (
        {200} if rel == "lead" or (role, rel) == (Role.COORDINATOR, "expired") else {404}),
    ("get", "/api/v1/marac/meetings/"): anyone(200),
    ("post", "/api/v1/marac/meetings/"): anyone(*CREATE),
    ("get", "/api/v1/marac/meetings/{id}/"): case_bound(200),
    ("get", "/api/v1/marac/meetings/{meeting_id}/agenda-items/"): case_bound(200),
    ("get", "/api/v1/marac/meetings/{meeting_id}/agenda-items/{id}/"): case_bound(200),
    ("post", "/api/v1/marac/meetings/{meeting_id}/agenda-items/{id}/minutes/"):
        case_bound(*VISIBLE_POST),
    ("post", "/api/v1/marac/meetings/{meeting_id}/agenda-items/{id}/research/"):
        case_bound(*VISIBLE_POST),
    ("get", "/api/v1/marac/referrals/"): anyone(200),
    ("post", "/api/v1/marac/referrals/"): anyone(*CREATE),
    ("get", "/api/v1/marac/referrals/{id}/"): case_bound(200, relations={"lead"}),
    ("post", "/api/v1/marac/referrals/{id}/list/"): case_bound(*VISIBLE_POST,
                                                              relations={"lead"}),
    ("post", "/api/v1/marac/referrals/{id}/return/"): case_bound(*VISIBLE_POST,
                                                                relations={"lead"}),
    ("post", "/api/v1/marac/referrals/{id}/sign-off/"): case_bound(*VISIBLE_POST,
                                                                  relations={"lead"}),
    ("get", "/api/v1/notifications/"): anyone(200),
    ("post", "/api/v1/notifications/{id}/read/"): anyone(404),
    ("post", "/api/v1/notifications/read-all/"): anyone(200),
    ("get", "/api/v1/notifications/unread-count/"): anyone(200),
    ("get", "/api/v1/people/"): anyone(200),
    ("post", "/api/v1/people/"): anyone(*CREATE),
    ("get", "/api/v1/people/{id}/"): case_bound(200),
    ("get", "/api/v1/referrals/"): anyone(200),
    ("post", "/api/v1/referrals/"): anyone(*CREATE),
    ("get", "/api/v1/referrals/{id}/"): case_bound(200),
    **{("post", f"/api/v1/referrals/{{id}}/{action}/"): case_bound(*VISIBLE_POST)
       for action in ("accept", "complete", "decline", "request-info", "respond", "submit",
                      "withdraw")},
    ("get", "/api/v1/risk-checklists/"): anyone(200),
    ("post", "/api/v1/risk-checklists/"): anyone(*CREATE),
    ("get", "/api/v1/risk-checklists/{id}/"): case_bound(200),
    ("post", "/api/v1/risk-checklists/{id}/decide/"): case_bound(*VISIBLE_POST),
    ("get", "/api/v1/services/"): anyone(200),
    ("get", "/api/v1/services/{id}/"): anyone(200),
    ("get", "/api/v1/sharing-agreements/"): anyone(200),
    ("post", "/api/v1/sharing-agreements/"): anyone(*CREATE),
    ("get", "/api/v1/sharing-agreements/{id}/"): case_bound(200),
    ("post", "/api/v1/sharing-agreements/{id}/sign/"): case_bound(*VISIBLE_POST),
    ("post", "/api/v1/sharing-agreements/{id}/terminate/"): case_bound(*VISIBLE_POST),
    ("get", "/api/v1/sharing-bases/"): anyone(200),
    # The referral's sharing basis belongs to the agency that decided to share.
    ("get", "/api/v1/sharing-bases/{id}/"): case_bound(200, relations={"lead"}),
    ("post", "/api/v1/sharing-bases/{id}/approve/"): case_bound(*VISIBLE_POST,
                                                                relations={"lead"}),
}
# Lists that show users their own records about the case (their expired break-glass).
OWN_RECORDS = {"/api/v1/emergency-accesses/"}
# Which object an ``{id}`` stands for, by the collection it follows.
API_IDS = {"actions": "action_id", "agencies": "agency_id", "cases": "case_id",
           "involvements": "involvement_id", "notes": "note_id", "consents": "consent_id",
           "emergency-accesses": "emergency_access_id", "meetings": "meeting_id",
           "agenda-items": "item_id", "referrals": "referral_id", "notifications":
           "notification_id", "people": "person_id", "risk-checklists": "checklist_id",
           "services": "service_id", "sharing-agreements": "agreement_id",
           "sharing-bases": "sharing_basis_id"}


def _api_operations() -> set[tuple[str, str]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(method, path) for path, ops in schema["paths"].items() for method in ops
            if method in ("get", "post", "put", "patch", "delete")}


def _api_path(path: str, objects: dict[str, object]) -> str | None:
    parts = path.strip("/").split("/")
    out = []
    for index, part in enumerate(parts):
        if part.startswith("{"):
            key = part.strip("{}")
            if key == "id":
                collection = parts[index - 1]
                if collection == "referrals" and parts[index - 2] == "marac":
                    key = "marac_referral_id"
                else:
                    key = API_IDS[collection]
            value = objects.get(key)
            if value is None:
                return None
            part = str(value)
        out.append(part)
    return "/" + "/".join(out) + "/"


def test_every_api_operation_has_a_row():
    missing = sorted(_api_operations() - set(API))
    assert not missing, f"API operations with no permission-matrix row: {missing}"


def test_api_matrix(world):
    failures, cells = [], 0
    case_id = str(world.case.pk)
    for (role, relation), membership in world.users.items():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token " + api_token_create(
            membership=membership, name="matrix")[1])
        for (method, template), rule in API.items():
            path = _api_path(template, world.objects)
            if path is None:
                continue
            with transaction.atomic():
                response = getattr(client, method)(path, {}, format="json")
                transaction.set_rollback(True)
            cells += 1
            expected = {401} if relation == "ended" else rule(role, relation)
            if response.status_code not in expected:
                failures.append(f"{method.upper()} {template} {role}/{relation}: "
                                f"{response.status_code}, expected {sorted(expected)}")
            elif (method == "get" and "{" not in template and relation in {"uninvolved",
                                                                          "expired"}
                  and template not in OWN_RECORDS and case_id in response.content.decode()):
                failures.append(f"GET {template} {role}/{relation} lists the case")
    assert cells >= len(API) * len(world.users) * 0.9
    assert not failures, "\n".join(failures)
