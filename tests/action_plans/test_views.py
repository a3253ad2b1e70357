from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from apps.action_plans import services
from apps.action_plans.models import Action
from apps.cases.services import case_person_create
from tests.conftest import client_for
from tests.dates import date_data
from tests.factories import actor_of

pytestmark = pytest.mark.django_db


def _action(world, case):
    return services.action_add(actor=actor_of(world.lead_practitioner), case=case,
                               description="Fit a door alarm.", owner_agency=world.partner,
                               due_date=timezone.localdate() + datetime.timedelta(days=3))


def test_plan_page_adds_and_closes_actions(world, shared_case):
    client = client_for(world.partner_practitioner)
    url = f"/cases/{shared_case.pk}/action-plan/"
    assert client.get(url).status_code == 200
    response = client.post(f"{url}actions/", {"description": "", "owner_agency": "",
                                              **date_data("due_date", None),
                                              "priority": "high"})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert not Action.objects.exists()
    response = client.post(f"{url}actions/", {
        "description": "Weekly check-in call.", "owner_agency": str(world.partner.pk),
        "owner_user": f"{world.partner.pk}:{world.partner_practitioner.user_id}",
        **date_data("due_date", datetime.date(2030, 2, 1)), "priority": "medium"})
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.owner_user == world.partner_practitioner.user
    client.post(f"{url}wishes/", {"what_person_wants": "To keep my job."})
    assert "To keep my job." in client.get(url).content.decode()
    close = f"/actions/{action.pk}/close/"
    assert client.post(close, {"outcome": "done", "note": ""}).status_code == 400
    assert client.post(close, {"outcome": "done", "note": "Calls set up."}).status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    assert client.get(close).status_code == 404


def test_plan_pages_are_not_found_for_an_uninvolved_agency(world, shared_case):
    action = _action(world, shared_case)
    outsider = client_for(world.outsider_practitioner)
    base = f"/cases/{shared_case.pk}/action-plan/"
    for url in [base, f"{base}print/", f"/actions/{action.pk}/close/"]:
        assert outsider.get(url).status_code == 404, url
    for url in [f"{base}actions/", f"{base}wishes/", f"/actions/{action.pk}/close/"]:
        assert outsider.post(url, {"note": "x", "outcome": "done"}).status_code == 404, url


def test_person_plan_leaves_out_other_people_and_restricted_addresses(world, shared_case):
    _action(world, shared_case)
    subject = shared_case.subject
    subject.address_restricted = True
    subject.save()
    case_person_create(actor=actor_of(world.lead_practitioner), case=shared_case,
                       person_data={"given_name": "Zebulon", "family_name": "Quillfeather"},
                       role="alleged_perpetrator")
    page = client_for(world.lead_practitioner).get(
        f"/cases/{shared_case.pk}/action-plan/print/").content.decode()
    assert "Fit a door alarm." in page and world.partner.name in page
    assert "Quillfeather" not in page and "Zebulon" not in page
    assert subject.address_line_1 not in page and subject.postcode not in page
    assert "marac/print.css" in page


def test_plan_page_runs_a_fixed_number_of_queries(world, shared_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.partner_practitioner)
    url = f"/cases/{shared_case.pk}/action-plan/"

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(5):
        _action(world, shared_case)
    count()
    five = count()
    for _ in range(25):
        _action(world, shared_case)
    assert count() == five


def test_marac_workspace_lists_the_agencys_open_actions(world, shared_case):
    _action(world, shared_case)
    page = client_for(world.partner_practitioner).get("/marac/").content.decode()
    assert "Fit a door alarm." in page and shared_case.reference in page
    assert "Fit a door alarm." not in client_for(world.outsider_practitioner).get(
        "/marac/").content.decode()
