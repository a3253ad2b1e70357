"""The section-visibility matrix: role x section x channel, with the exact expected result
per cell (tests/cases/sections_world.py builds the case and says what each role sees).

Channels: the case page, the case API (detail and notes), the people API, the action plan
page, the printable plan and the MARAC meeting pack. There is no CSV export of case data
(the only CSV is the access log, which holds no case content), so that channel has no cells.
Each test is one role in one channel and asserts every section there.
"""

from __future__ import annotations

import pytest

from apps.cases.selectors import case_access
from tests.cases import sections_world as W
from tests.conftest import api_client_for, client_for
from tests.factories import actor_of

pytestmark = pytest.mark.django_db

ROLES = list(W.EXPECTED)


@pytest.fixture
def scene(world):
    return W.build(world)


def expected(role: str) -> frozenset[str] | None:
    return W.EXPECTED[role][0]


def shows(sections, section: str) -> bool:
    return sections is not None and section in sections


def plan_markers(sections) -> dict[str, bool]:
    """Which actions a role sees: every one with plan, its own with plan_own."""
    return {
        W.POLICE_ACTION: shows(sections, "plan"),
        W.HOUSING_ACTION: shows(sections, "plan"),
        W.RECOVERY_ACTION: shows(sections, "plan"),
    }


def own_action(role: str) -> str | None:
    return {"marac": W.HOUSING_ACTION, "secondee_for_marac": W.HOUSING_ACTION,
            "marac_expired_owns_action": W.RECOVERY_ACTION}.get(role)


@pytest.mark.parametrize("role", ROLES)
def test_selector_sections(scene, role):
    """The one query behind every channel: the acting agency's sections on the case."""
    sections = expected(role)
    if sections is None:
        from apps.cases.selectors import case_list

        assert not case_list(actor=actor_of(scene.members[role])).filter(
            pk=scene.case.pk).exists()
        return
    _levels, visible = case_access(actor=actor_of(scene.members[role]), case=scene.case)
    assert visible.sections == sections


@pytest.mark.parametrize("role", ROLES)
def test_actions_probed_per_row_match_the_action_list(scene, role):
    """The work tray asks the plan rule per action (``action_list_among``); it gives exactly
    the actions ``action_list`` gives, for every role."""
    from apps.action_plans.models import Action
    from apps.action_plans.selectors import action_list, action_list_among

    actor = actor_of(scene.members[role])
    every = list(Action.objects.values_list("pk", flat=True))
    listed = set(action_list(actor=actor).values_list("description", flat=True))
    probed = set(action_list_among(actor=actor, action_ids=every)
                 .values_list("description", flat=True))
    assert probed == listed
    assert (W.POLICE_ACTION in listed) == plan_markers(expected(role))[W.POLICE_ACTION]


@pytest.mark.parametrize("role", ROLES)
def test_case_page(scene, role):
    response = client_for(scene.members[role]).get(f"/cases/{scene.case.pk}/")
    sections = expected(role)
    if sections is None:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert (W.NAME in html) is shows(sections, "identity")
    assert (W.ADDRESS in html) is shows(sections, "contact")
    assert (W.SAFE_TIMES in html) is shows(sections, "contact")
    assert (W.CHILD in html) is shows(sections, "people")
    assert ('data-testid="risk-link"' in html) is shows(sections, "risk")
    assert (W.NOTE in html) is shows(sections, "chronology")
    assert (W.SUMMARY in html) is shows(sections, "chronology")
    assert ('data-testid="plan-link"' in html) is (
        shows(sections, "plan") or shows(sections, "plan_own"))
    assert ("Not shared with your agency" in html) is (sections != W.ALL)


@pytest.mark.parametrize("role", ROLES)
def test_case_api(scene, role):
    api = api_client_for(scene.members[role])
    response = api.get(f"/api/v1/cases/{scene.case.pk}/")
    notes = api.get(f"/api/v1/cases/{scene.case.pk}/notes/")
    sections = expected(role)
    if sections is None:
        assert response.status_code == 404 and notes.status_code == 404
        return
    body = response.json()
    assert set(body["sections"]) == sections
    assert ("subject" in body) is shows(sections, "identity")
    assert ("risk_level" in body) is shows(sections, "risk")
    assert ("summary" in body) is shows(sections, "chronology")
    assert W.ADDRESS not in response.content.decode()  # addresses: the people API only
    if shows(sections, "chronology"):
        assert notes.status_code == 200
        assert W.NOTE in notes.content.decode()
    else:
        assert notes.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_case_list_api(scene, role):
    body = api_client_for(scene.members[role]).get("/api/v1/cases/").json()
    rows = [r for r in body["results"] if r["id"] == str(scene.case.pk)]
    sections = expected(role)
    if sections is None:
        assert rows == []
        return
    (row,) = rows
    assert ("risk_level" in row) is shows(sections, "risk")
    assert ("summary" in row) is shows(sections, "chronology")


@pytest.mark.parametrize("role", ROLES)
def test_people_api(scene, role):
    """Contact fields of the victim (and whether the child is listed at all)."""
    body = api_client_for(scene.members[role]).get("/api/v1/people/?limit=100").json()
    by_name = {f"{p['given_name']} {p['family_name']}": p for p in body["results"]}
    sections = expected(role)
    victim = by_name.get(W.NAME)
    assert (victim is not None) is shows(sections, "identity")
    assert (W.CHILD in by_name) is shows(sections, "people")
    if victim is not None:
        assert victim["contact_visible"] is shows(sections, "contact")
        assert (victim.get("address_line_1") == W.ADDRESS) is shows(sections, "contact")
        assert (victim.get("safe_times") == W.SAFE_TIMES) is shows(sections, "contact")


@pytest.mark.parametrize("role", ROLES)
def test_action_plan_page(scene, role):
    response = client_for(scene.members[role]).get(f"/cases/{scene.case.pk}/action-plan/")
    sections = expected(role)
    if not (shows(sections, "plan") or shows(sections, "plan_own")):
        assert response.status_code == 404
        return
    html = response.content.decode()
    markers = plan_markers(sections)
    if own_action(role):
        markers[own_action(role)] = True
    for marker, shown in markers.items():
        assert (marker in html) is shown, marker


@pytest.mark.parametrize("role", ROLES)
def test_printable_plan(scene, role):
    response = client_for(scene.members[role]).get(
        f"/cases/{scene.case.pk}/action-plan/print/")
    sections = expected(role)
    if not (shows(sections, "plan") or shows(sections, "plan_own")):
        assert response.status_code == 404
        return
    html = response.content.decode()
    assert W.ADDRESS not in html and W.SAFE_TIMES not in html
    markers = plan_markers(sections)
    if own_action(role):
        markers[own_action(role)] = True
    for marker, shown in markers.items():
        assert (marker in html) is shown, marker


@pytest.mark.parametrize("role", ROLES)
def test_meeting_pack(scene, role):
    sections, member = W.EXPECTED[role]
    response = client_for(scene.members[role]).get(f"/marac/meetings/{scene.meeting.pk}/pack/")
    if not member:
        assert response.status_code == 404
        return
    html = response.content.decode()
    assert response.status_code == 200
    # The MARAC item and its research part (received, or "Not received: …"): every member.
    assert 'data-testid="pack-case"' in html and ">Research</h3>" in html
    assert (W.NAME in html) is shows(sections, "identity")
    assert ("DASH score" in html) is shows(sections, "risk")
    assert W.ADDRESS not in html and W.SAFE_TIMES not in html


@pytest.mark.parametrize("role", ROLES)
def test_why_page(scene, role):
    response = client_for(scene.members[role]).get(f"/cases/{scene.case.pk}/why/")
    sections = expected(role)
    if sections is None:
        assert response.status_code == 404
        return
    html = response.content.decode()
    for section in ("identity", "contact", "people", "risk", "chronology"):
        row = html.split(f'data-testid="why-{section}"', 1)[1].split("</tr>", 1)[0]
        assert ("Yes" in row) is shows(sections, section), section
    plan_row = html.split('data-testid="why-plan"', 1)[1].split("</tr>", 1)[0]
    if shows(sections, "plan"):
        assert "Yes" in plan_row
    elif shows(sections, "plan_own"):
        assert "Only the actions your agency owns" in plan_row
    else:
        assert "not shared" in plan_row


@pytest.mark.parametrize("role", ["lead", "marac", "marac_expired_owns_action"])
def test_sections_come_from_one_query(scene, role, django_assert_num_queries):
    actor = actor_of(scene.members[role])
    actor.membership.agency  # noqa: B018 (loaded by actor_of)
    with django_assert_num_queries(1):
        case_access(actor=actor, case=scene.case)


@pytest.mark.parametrize("role", ROLES)
def test_actions_api(scene, role):
    """/api/v1/actions/: every action with the plan section, only its own with plan_own."""
    body = api_client_for(scene.members[role]).get("/api/v1/actions/?limit=100").json()
    seen = {a["description"] for a in body["results"] if a["case"] == str(scene.case.pk)}
    sections = expected(role)
    markers = plan_markers(sections)
    if own_action(role):
        markers[own_action(role)] = True
    assert seen == {marker for marker, shown in markers.items() if shown}


def _agrees_with_the_list_rule(actor, case) -> None:
    """``case_access`` (one query, the rule applied in Python) holds exactly the codenames
    for which the list rule (``CaseGrant``, in SQL) selects the case."""
    from apps.cases.permissions import CONTRIBUTE, MANAGE, VIEW
    from apps.cases.sections import SECTION_CODENAMES
    from apps.cases.selectors import case_list_granted

    held, _visible = case_access(actor=actor, case=case)
    by_sql = {codename for codename in (VIEW, CONTRIBUTE, MANAGE, *SECTION_CODENAMES.values())
              if case_list_granted(actor=actor, codename=codename).filter(pk=case.pk).exists()}
    assert held == by_sql


@pytest.mark.parametrize("probe", [False, True], ids=["hashed", "probed"])
@pytest.mark.parametrize("role", ROLES)
def test_one_case_read_agrees_with_the_list_rule(scene, role, probe, settings):
    """Both plans of the list rule (apps/cases/sizes.py) select the same cases."""
    settings.WRAPAROUND_CASE_PROBE_SHARE = 0.0 if probe else 2.0
    _agrees_with_the_list_rule(actor_of(scene.members[role]), scene.case)


def test_break_glass_read_agrees_with_the_list_rule(scene, world):
    """Emergency access gives view and the emergency sections, never contributing."""
    from apps.consent.services import emergency_access_start

    actor = actor_of(world.outsider_manager)
    emergency_access_start(actor=actor, case=scene.case, reason="Urgent welfare check.")
    held, visible = case_access(actor=actor, case=scene.case)
    assert "view_case" in held and "contribute_case" not in held
    assert visible.sections
    _agrees_with_the_list_rule(actor, scene.case)
