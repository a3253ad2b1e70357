"""The permission matrix, API half: every operation in the OpenAPI schema, for every role and
relation (see tests/security/test_permission_matrix.py for the world, the relations and the
write detector). A file of its own so that the two halves run in parallel (make test spreads
test files over the cores)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from apps.accounts.services import api_token_create
from apps.agencies.models import Role
from tests.security.test_permission_matrix import (  # noqa: F401 - world is a fixture
    CELLS,
    SAFE_HAVEN_ADMIN,
    SAFE_HAVEN_MANAGER,
    SEES_CASE,
    Rule,
    _check,
    _dump,
    _request,
    anyone,
    by_side,
    case_bound,
    nobody,
    only,
    reporters,
    world,
)

pytestmark = pytest.mark.django_db
# ---- The API: every operation in the OpenAPI schema. An ended membership's token is refused
# (401) everywhere, so rows describe the active relations.
# Writes are posted with an empty body (so most answer 400 for missing fields, or the
# refusal that comes before validation), except those in BODIES, posted with a valid body so
# that the cell shows who may really make the change.
WRITER = lambda role, rel: 403 if role == Role.AUDITOR else 201  # noqa: E731


def writers(ok: int, *, refused: int = 403, invisible: int = 404) -> Rule:
    """A valid change on the case: those who see it may make it, auditors are refused."""
    def rule(role: str, rel: str) -> int:
        if rel not in SEES_CASE:
            return invisible
        return refused if role == Role.AUDITOR else ok
    return rule


def lead_only(ok: int, **by_role: int) -> Rule:
    """Objects only the lead agency sees (its MARAC referral, its sharing basis)."""
    return lambda role, rel: by_role.get(role, ok) if rel == "lead" else 404


API: dict[tuple[str, str], Rule] = {
    ("get", "/api/v1/actions/"): anyone(200),
    ("post", "/api/v1/actions/"): anyone(400),
    ("get", "/api/v1/actions/{id}/"): case_bound(200),
    ("post", "/api/v1/actions/{id}/cancel/"): case_bound(400),  # the note is required
    ("post", "/api/v1/actions/{id}/complete/"): case_bound(400),
    ("get", "/api/v1/agencies/"): anyone(200),
    ("get", "/api/v1/agencies/{id}/"): anyone(200),
    ("get", "/api/v1/cases/"): anyone(200),
    # Open a case about the case's person: only those who see the person (others: 400, the
    # subject is not found); auditors never.
    ("post", "/api/v1/cases/"): writers(201, invisible=400),
    ("get", "/api/v1/cases/{id}/"): case_bound(200),
    ("patch", "/api/v1/cases/{id}/"): by_side(lead=200, partner=403),  # the lead manages it
    ("get", "/api/v1/cases/{case_id}/involvements/"): case_bound(200),
    ("post", "/api/v1/cases/{case_id}/involvements/"): case_bound(400),
    ("get", "/api/v1/cases/{case_id}/involvements/{id}/"): case_bound(200),
    ("post", "/api/v1/cases/{case_id}/involvements/{id}/end/"): case_bound(400),
    ("post", "/api/v1/cases/{case_id}/involvements/{id}/scope/"): case_bound(400),
    ("get", "/api/v1/cases/{case_id}/notes/"): case_bound(200),
    ("post", "/api/v1/cases/{case_id}/notes/"): writers(201),
    ("get", "/api/v1/cases/{case_id}/notes/{id}/"): case_bound(200),
    ("get", "/api/v1/cases/{case_id}/why/"): case_bound(200),
    ("get", "/api/v1/consents/"): anyone(200),
    ("post", "/api/v1/consents/"): anyone(400),
    ("get", "/api/v1/consents/{id}/"): case_bound(200),
    ("post", "/api/v1/consents/{id}/withdraw/"): case_bound(400),
    ("get", "/api/v1/emergency-accesses/"): anyone(200),
    ("post", "/api/v1/emergency-accesses/"): anyone(400),
    # Break-glass records: the lead agency's, and the user's own (here: the coordinator's).
    ("get", "/api/v1/emergency-accesses/{id}/"): lambda role, rel: (
        200 if rel == "lead" or (role, rel) == (Role.COORDINATOR, "expired") else 404),
    ("get", "/api/v1/marac/meetings/"): anyone(200),
    ("post", "/api/v1/marac/meetings/"): anyone(400),
    ("get", "/api/v1/marac/meetings/{id}/"): case_bound(200),
    ("get", "/api/v1/marac/meetings/{meeting_id}/agenda-items/"): case_bound(200),
    ("get", "/api/v1/marac/meetings/{meeting_id}/agenda-items/{id}/"): case_bound(200),
    ("post", "/api/v1/marac/meetings/{meeting_id}/agenda-items/{id}/minutes/"):
        case_bound(400),
    ("post", "/api/v1/marac/meetings/{meeting_id}/agenda-items/{id}/research/"):
        writers(400),
    ("get", "/api/v1/marac/referrals/"): anyone(200),
    ("post", "/api/v1/marac/referrals/"): anyone(400),
    ("get", "/api/v1/marac/referrals/{id}/"): lead_only(200),
    ("post", "/api/v1/marac/referrals/{id}/list/"): lead_only(400),
    ("post", "/api/v1/marac/referrals/{id}/return/"): lead_only(400),
    # Only a manager of the referring agency signs off; this referral needs none (409).
    ("post", "/api/v1/marac/referrals/{id}/sign-off/"): lead_only(403, manager=409),
    ("get", "/api/v1/notifications/"): anyone(200),
    ("post", "/api/v1/notifications/{id}/read/"): anyone(404),
    ("post", "/api/v1/notifications/read-all/"): anyone(200),
    ("get", "/api/v1/notifications/unread-count/"): anyone(200),
    ("get", "/api/v1/people/"): anyone(200),
    ("post", "/api/v1/people/"): WRITER,  # a new person: any member but an auditor
    ("get", "/api/v1/people/{id}/"): case_bound(200),
    ("get", "/api/v1/referrals/"): anyone(200),
    ("post", "/api/v1/referrals/"): anyone(400),
    ("get", "/api/v1/referrals/{id}/"): case_bound(200),
    # The referral goes from the lead (referrer) to the partner (receiver), submitted.
    ("post", "/api/v1/referrals/{id}/accept/"): by_side(lead=403, partner=200),
    ("post", "/api/v1/referrals/{id}/complete/"): writers(400),
    ("post", "/api/v1/referrals/{id}/decline/"): case_bound(400),
    ("post", "/api/v1/referrals/{id}/request-info/"): writers(400),
    ("post", "/api/v1/referrals/{id}/respond/"): writers(400),
    ("post", "/api/v1/referrals/{id}/submit/"): by_side(lead=409, partner=403),
    ("post", "/api/v1/referrals/{id}/withdraw/"): by_side(lead=200, partner=403),
    ("get", "/api/v1/risk-checklists/"): anyone(200),
    ("post", "/api/v1/risk-checklists/"): anyone(400),
    ("get", "/api/v1/risk-checklists/{id}/"): case_bound(200),
    ("post", "/api/v1/risk-checklists/{id}/decide/"): case_bound(400),
    ("get", "/api/v1/services/"): anyone(200),
    ("get", "/api/v1/services/{id}/"): anyone(200),
    ("get", "/api/v1/sharing-agreements/"): anyone(200),
    ("post", "/api/v1/sharing-agreements/"): anyone(400),
    ("get", "/api/v1/sharing-agreements/{id}/"): case_bound(200),
    # Agency admins sign: the lead's admin has signed (409), the partner's has not.
    ("post", "/api/v1/sharing-agreements/{id}/sign/"): lambda role, rel: (
        404 if rel not in SEES_CASE else 403 if role != Role.AGENCY_ADMIN
        else 409 if rel == "lead" else 200),
    ("post", "/api/v1/sharing-agreements/{id}/terminate/"): case_bound(400),
    ("get", "/api/v1/sharing-bases/"): anyone(200),
    # The referral's sharing basis belongs to the agency that decided to share; its manager
    # approves.
    ("get", "/api/v1/sharing-bases/{id}/"): lead_only(200),
    ("post", "/api/v1/sharing-bases/{id}/approve/"): lead_only(403, manager=200),
}
API.update({
    ("get", "/api/v1/cases/{case_id}/documents/"): case_bound(200),
    ("post", "/api/v1/cases/{case_id}/documents/"): case_bound(400),  # no file
    ("get", "/api/v1/cases/{case_id}/documents/{id}/"): case_bound(200),
    ("get", "/api/v1/cases/{case_id}/documents/{id}/download/"): case_bound(200),
    ("get", "/api/v1/subject-access-requests/"): anyone(200),
    ("post", "/api/v1/subject-access-requests/"): lambda role, rel: (
        400 if role == Role.AGENCY_ADMIN else 403),
    ("get", "/api/v1/subject-access-requests/{id}/"): only(200, SAFE_HAVEN_ADMIN),
    ("post", "/api/v1/subject-access-requests/{id}/release/"): only(400, SAFE_HAVEN_ADMIN),
    ("get", "/api/v1/subject-access-requests/{id}/bundle/"): only(200, SAFE_HAVEN_ADMIN),
    ("get", "/api/v1/retention/reviews/"): anyone(200),
    ("get", "/api/v1/retention/reviews/{id}/"): only(200, SAFE_HAVEN_ADMIN,
                                                     SAFE_HAVEN_MANAGER),
    # Safe Haven's manager deletes (rolled back); its admin may only hold.
    ("post", "/api/v1/retention/reviews/{id}/delete/"): lambda role, rel: (
        200 if (role, rel) == SAFE_HAVEN_MANAGER else 403 if (role, rel) == SAFE_HAVEN_ADMIN
        else 404),
    ("post", "/api/v1/retention/reviews/{id}/extend/"): only(400, SAFE_HAVEN_ADMIN,
                                                             SAFE_HAVEN_MANAGER),
    ("post", "/api/v1/retention/reviews/{id}/hold/"): only(400, SAFE_HAVEN_ADMIN,
                                                           SAFE_HAVEN_MANAGER),
    ("post", "/api/v1/retention/reviews/{id}/lift-hold/"): only(409, SAFE_HAVEN_ADMIN,
                                                                SAFE_HAVEN_MANAGER),
    ("get", "/api/v1/person-corrections/"): anyone(200),
    ("post", "/api/v1/person-corrections/"): anyone(400),
    ("get", "/api/v1/rights-requests/"): anyone(200),
    ("post", "/api/v1/rights-requests/"): lambda role, rel: (
        400 if role == Role.AGENCY_ADMIN else 403),
    ("get", "/api/v1/rights-requests/{id}/"): only(200, SAFE_HAVEN_ADMIN),
    ("post", "/api/v1/rights-requests/{id}/decide/"): only(400, SAFE_HAVEN_ADMIN),
    ("get", "/api/v1/retention/rule/"): lambda role, rel: (
        200 if role == Role.AGENCY_ADMIN else 404),
    ("post", "/api/v1/retention/rule/"): lambda role, rel: (
        400 if role == Role.AGENCY_ADMIN else 403),
})


def _people_api(lead_manager: int) -> Rule:
    """Link or merge over the API: 404 when a record is not visible; 403 for anyone else who
    sees both (a practitioner, an auditor, another agency); the lead's manager ``ok``."""
    def rule(role: str, rel: str) -> int:
        if rel not in SEES_CASE:
            return 404
        return lead_manager if (role, rel) == (Role.MANAGER, "lead") else 403
    return rule


# One person, two records (issue 16). The merge of Leah and Ruby is refused: their dates of
# birth differ and no reason is given (400, nothing changed).
API.update({
    ("post", "/api/v1/person-links/"): _people_api(201),
    ("post", "/api/v1/person-links/{id}/undo/"): _people_api(200),
    ("post", "/api/v1/person-merges/"): _people_api(400),
})
# Webhooks (issue 15): Safe Haven's admin manages Safe Haven's webhook; everyone else: 404
# (an agency admin of another agency may create their own agency's, so 400 for an empty body).
API.update({
    ("get", "/api/v1/webhooks/"): anyone(200),
    ("post", "/api/v1/webhooks/"): lambda role, rel: (
        400 if role == Role.AGENCY_ADMIN else 403),
    ("get", "/api/v1/webhooks/{id}/"): only(200, SAFE_HAVEN_ADMIN),
    ("patch", "/api/v1/webhooks/{id}/"): only(200, SAFE_HAVEN_ADMIN),
    ("delete", "/api/v1/webhooks/{id}/"): only(204, SAFE_HAVEN_ADMIN),
    ("post", "/api/v1/webhooks/{id}/rotate-secret/"): only(200, SAFE_HAVEN_ADMIN),
    ("get", "/api/v1/webhooks/{webhook_id}/deliveries/"): only(200, SAFE_HAVEN_ADMIN),
})
# Reports (issue 14): the same people as the pages.
API.update({
    ("get", "/api/v1/reports/funnel/"): reporters(200),
    ("get", "/api/v1/reports/equality/"): reporters(200),
    ("get", "/api/v1/reports/marac-return/"): nobody(),
})
# The working surface (issue 13): assignment needs a user (400 without one, 404 unseen).
API.update({
    ("get", "/api/v1/teams/"): anyone(200),
    ("get", "/api/v1/teams/{id}/"): lambda role, rel: 200 if rel == "partner" else 404,
    ("post", "/api/v1/referrals/{id}/assign/"): case_bound(400),
    ("post", "/api/v1/cases/{id}/assign/"): case_bound(400),
    ("get", "/api/v1/work/"): anyone(200),
    # Managers see their agency's caseload; anyone else an empty list.
    ("get", "/api/v1/caseload/"): anyone(200),
})
BODIES: dict[tuple[str, str], Callable[[dict], dict]] = {
    ("post", "/api/v1/people/"): lambda objects: {
        "given_name": "Matrix", "family_name": "Person", "confirm_new": True},
    ("post", "/api/v1/cases/"): lambda objects: {
        "subject": str(objects["person_id"]), "summary": "Matrix."},
    ("post", "/api/v1/cases/{case_id}/notes/"): lambda objects: {"text": "Matrix note."},
    ("post", "/api/v1/person-links/"): lambda objects: {
        "person": str(objects["person_id"]), "other": str(objects["dean_id"]),
        "reason": "Matrix."},
    ("post", "/api/v1/person-merges/"): lambda objects: {
        "survivor": str(objects["person_id"]), "merged": str(objects["other_id"]),
        "reason": "Matrix."},
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
           "sharing-bases": "sharing_basis_id", "documents": "document_id",
           "subject-access-requests": "sar_id", "reviews": "review_id",
           "rights-requests": "request_id", "person-links": "link_id",
           "webhooks": "webhook_id", "teams": "team_id"}


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


@pytest.mark.parametrize(("role", "relation"), CELLS)
def test_api_matrix(world, role, relation):  # noqa: F811 - the imported fixture
    failures, seen = [], {}
    case_id = str(world.case.pk)
    membership = world.users[(role, relation)]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + api_token_create(
        membership=membership, name="matrix")[1])
    for (method, template), rule in API.items():
        path = _api_path(template, world.objects)
        assert path is not None, f"{template}: the world has no object for it"
        body = BODIES.get((method, template), lambda objects: {})(world.objects)
        response, written = _request(client, method, path, body=body)
        status = response.status_code
        seen[f"{method} {template}"] = [status, sorted(written)]
        expected = 401 if relation == "ended" else rule(role, relation)
        label = f"{method.upper()} {template} {role}/{relation}"
        _check(failures, label, method, status, expected, written)
        if (status == 200 and method == "get" and "{" not in template
                and relation in {"uninvolved", "expired"} and template not in OWN_RECORDS
                and case_id in response.content.decode()):
            failures.append(f"GET {template} {role}/{relation} lists the case")
    _dump("api", role, relation, seen)
    assert len(seen) == len(API)
    assert not failures, "\n".join(failures)
