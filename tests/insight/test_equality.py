from __future__ import annotations

import csv
import io

import pytest

from apps.insight.suppression import Group, suppress
from apps.referrals.models import ReferralStatus
from tests.conftest import api_client_for, client_for
from tests.insight.helpers import add_referrals

pytestmark = pytest.mark.django_db


def _world_with_groups(world):
    """White: 10 accepted, 10 declined; Asian: 9 accepted, 1... (see each test)."""
    send = world.lead_practitioner
    add_referrals(sender=send, receiver=world.partner, count=12, ethnic_group="white")
    add_referrals(sender=send, receiver=world.partner, count=8, ethnic_group="white",
                  status=ReferralStatus.DECLINED)
    add_referrals(sender=send, receiver=world.partner, count=5, ethnic_group="black",
                  status=ReferralStatus.DECLINED)
    add_referrals(sender=send, receiver=world.partner, count=5, ethnic_group="black")
    # A group of three: must never be shown.
    add_referrals(sender=send, receiver=world.partner, count=3, ethnic_group="mixed")


def _rows(table):
    return {row[0]: row for row in table.rows}


def test_a_group_of_three_is_suppressed_in_page_csv_and_api(world):
    _world_with_groups(world)
    client = client_for(world.lead_manager)
    response = client.get("/reports/equality/?outcome=referral")
    assert response.status_code == 200
    table = next(t for t in response.context["tables"] if t.key == "referral-ethnic_group")
    rows = _rows(table)
    assert rows["Mixed or multiple ethnic groups"][1:6] == ["suppressed"] * 5
    # Secondary suppression: the next smallest group is hidden too (else 33 - 20 - 10 = 3).
    assert rows["Black, Black British, Caribbean or African"][1] == "suppressed"
    assert rows["White"][1:4] == [20, 12, 60.0]
    assert "Fewer than 5" in response.content.decode()
    download = client.get("/reports/equality/?outcome=referral&download=referral-ethnic_group")
    cells = [c for row in csv.reader(io.StringIO(download.content.decode())) for c in row]
    assert "3" not in cells and "suppressed" in cells
    body = api_client_for(world.lead_manager).get(
        "/api/v1/reports/equality/?outcome=referral").json()
    api_table = next(t for t in body["tables"] if t["key"] == "referral-ethnic_group")
    mixed = next(r for r in api_table["rows"] if r[0].startswith("Mixed"))
    assert mixed[1:6] == ["suppressed"] * 5
    # The total of a dimension is shown only when it is 5 or more.
    assert "All decided referrals: 33" in api_table["note"]


def test_differences_are_flagged_over_the_threshold(world, settings):
    send = world.lead_practitioner
    add_referrals(sender=send, receiver=world.partner, count=18, disabled="no")
    add_referrals(sender=send, receiver=world.partner, count=6, disabled="no",
                  status=ReferralStatus.DECLINED)
    add_referrals(sender=send, receiver=world.partner, count=5, disabled="yes")
    add_referrals(sender=send, receiver=world.partner, count=5, disabled="yes",
                  status=ReferralStatus.DECLINED)
    settings.INSIGHT_EQUALITY_THRESHOLD = 10
    response = client_for(world.lead_manager).get("/reports/equality/")
    rows = _rows(next(t for t in response.context["tables"] if t.key == "referral-disabled"))
    assert rows["Yes"][3:7] == [50.0, 75.0, -25.0, "Yes"]
    assert rows["No"][6] == "Yes"
    settings.INSIGHT_EQUALITY_THRESHOLD = 30
    response = client_for(world.lead_manager).get("/reports/equality/")
    rows = _rows(next(t for t in response.context["tables"] if t.key == "referral-disabled"))
    assert rows["Yes"][6] == "No"


def test_suppression_rules():
    groups = suppress([Group("a", "A", 20, 10), Group("b", "B", 3, 1), Group("c", "C", 8, 4),
                       Group("d", "D", 30, 15)])
    assert [g.suppressed for g in groups] == [False, True, True, False]
    # k or n - k under 5 reveals a small count: suppressed.
    assert suppress([Group("a", "A", 9, 7), Group("b", "B", 40, 20),
                     Group("c", "C", 30, 10)])[0].suppressed
    assert not any(g.suppressed for g in suppress([Group("a", "A", 10, 5),
                                                    Group("b", "B", 10, 0)]))


def test_equality_pages_refuse_practitioners_and_outsiders_see_nothing_of_others(world):
    _world_with_groups(world)
    assert client_for(world.lead_practitioner).get("/reports/equality/").status_code == 404
    assert client_for(world.lead_practitioner).get(
        "/reports/equality/about/").status_code == 404
    response = client_for(world.outsider_manager).get("/reports/equality/")
    assert all(not t.rows for t in response.context["tables"])
    assert api_client_for(world.lead_practitioner).get(
        "/api/v1/reports/equality/").status_code == 404
    about = client_for(world.lead_manager).get("/reports/equality/about/")
    assert about.status_code == 200 and b"cannot show" in about.content


def test_marac_and_action_outcomes_answer(world):
    client = client_for(world.lead_manager)
    for outcome in ("marac", "action"):
        response = client.get(f"/reports/equality/?outcome={outcome}")
        assert response.status_code == 200
        assert response.context["tables"][0].key == f"{outcome}-ethnic_group"
    assert client.get("/reports/equality/?outcome=bogus").status_code == 400
