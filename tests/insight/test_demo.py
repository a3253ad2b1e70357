"""The issue's done-when, on the Northbridge demo as a new user would see it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from apps.agencies.models import Membership
from apps.consent.models import DataSharingAgreement
from apps.insight.marac_return import current_quarter
from apps.insight.summary import summary_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    summary_refresh()  # on commit after a real load; a test's transaction never commits


def _member(username: str) -> Membership:
    return Membership.objects.active().get(user__username=username)


def client_for(membership: Membership) -> Client:
    from apps.agencies.middleware import SESSION_KEY

    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = str(membership.pk)
    session.save()
    return client


def test_safe_haven_sees_its_statutory_referrals_accepted_less_often_than_the_polices(demo):
    client = client_for(_member("admin.safehaven"))
    agreement = DataSharingAgreement.objects.get(reporting_allowed=True)
    response = client.get(f"/reports/funnel/?scope={agreement.pk}")
    assert response.status_code == 200
    table = next(t for t in response.context["tables"] if t.key == "by-agency-sector")
    statutory = table.columns.index("To statutory: accepted of decided (%)")
    rows = {row[0]: row for row in table.rows}
    assert rows["Safe Haven"][statutory] < rows["Northbridge Police"][statutory]
    html = response.content.decode()
    assert 'id="chart-by-agency-sector"' in html  # the chart, and its table beside it
    assert "Acceptance rate by referring agency and receiving sector: the figures" in html
    # Every chart of the funnel and the equality page has something to draw.
    assert all(t.rows for t in response.context["tables"])
    equality = client.get(f"/reports/equality/?scope={agreement.pk}")
    assert all(t.rows for t in equality.context["tables"])


def test_coordinator_opens_and_downloads_the_quarters_marac_return(demo):
    client = client_for(_member("coordinator"))
    home = client.get("/reports/")
    assert b"MARAC data return" in home.content
    response = client.get("/reports/marac-return/")
    assert response.status_code == 200
    rows = {row[0]: row for row in response.context["tables"][0].rows}
    assert rows["Cases discussed"][1] > 0
    assert isinstance(rows["Cases expected at the SafeLives benchmark (40 a year per 10,000 "
                           "adult women)"][1], float)
    download = client.get(f"/reports/marac-return/?quarter={current_quarter().key}"
                          "&download=return")
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('-return.csv"')
