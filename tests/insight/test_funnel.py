from __future__ import annotations

import csv
import io

import pytest

from apps.agencies.models import AgencyKind, Role
from apps.consent.models import DataSharingAgreement
from apps.insight.filters import Filters, default_period
from apps.insight.funnel import funnel_tables
from apps.insight.scope import scope_get
from apps.referrals.models import Referral, ReferralStatus
from apps.referrals.selectors import referral_list
from tests.conftest import client_for
from tests.factories import actor_of, make_agency, make_member
from tests.insight.helpers import add_referrals

pytestmark = pytest.mark.django_db


def _filters() -> Filters:
    start, end = default_period()
    return Filters(start=start, end=end)


def _table(tables, key):
    return next(t for t in tables if t.key == key)


def test_own_agency_counts_exactly_the_referrals_it_may_see(world):
    add_referrals(sender=world.lead_practitioner, receiver=world.partner.__class__.objects.get(
        pk=world.partner.pk), count=3)
    add_referrals(sender=world.partner_practitioner, receiver=world.lead, count=2,
                  status=ReferralStatus.DECLINED, decline_category="no_capacity")
    add_referrals(sender=world.outsider_practitioner, receiver=world.partner, count=4)
    actor = actor_of(world.lead_manager)
    scope = scope_get(actor=actor, key="agency")
    counted = Referral.objects.filter(scope.referrals_q())
    assert set(counted.values_list("pk", flat=True)) == set(
        referral_list(actor=actor).values_list("pk", flat=True))
    summary = _table(funnel_tables(scope=scope, filters=_filters()), "summary")
    made, received = summary.rows
    assert made[:4] == ["Made by us", 3, 3, 0]
    assert made[7:9] == [100.0, 6.0]  # accepted of decided, median hours to decision
    assert received[:4] == ["Received by us", 2, 0, 2]


def test_partnership_needs_a_dsa_that_allows_reporting(world):
    actor = actor_of(world.lead_manager)
    agreement = DataSharingAgreement.objects.get(title="Northbridge DSA")
    from django.http import Http404

    with pytest.raises(Http404):
        scope_get(actor=actor, key=str(agreement.pk))
    DataSharingAgreement.objects.filter(pk=agreement.pk).update(reporting_allowed=True)
    scope = scope_get(actor=actor, key=str(agreement.pk))
    assert scope.partnership and set(scope.agency_ids) == {
        world.lead.pk, world.partner.pk, world.outsider.pk}


def test_partnership_counts_only_referrals_between_parties(world):
    agreement = DataSharingAgreement.objects.get(title="Northbridge DSA")
    DataSharingAgreement.objects.filter(pk=agreement.pk).update(reporting_allowed=True)
    stranger = make_agency(name="Not a party", kind=AgencyKind.VOLUNTARY)
    stranger_member = make_member(agency=stranger)
    add_referrals(sender=world.partner_practitioner, receiver=world.lead, count=5)
    add_referrals(sender=stranger_member, receiver=world.lead, count=7)
    scope = scope_get(actor=actor_of(world.partner_manager), key=str(agreement.pk))
    summary = _table(funnel_tables(scope=scope, filters=_filters()), "summary")
    assert summary.rows[0][1] == 5


def test_parity_table_compares_referring_agencies_by_receiving_sector(world):
    police, haven = world.lead_practitioner, world.partner_practitioner
    statutory = make_agency(name="Children's Services")
    add_referrals(sender=police, receiver=statutory, count=8)
    add_referrals(sender=police, receiver=statutory, count=2, status=ReferralStatus.DECLINED)
    add_referrals(sender=haven, receiver=statutory, count=5)
    add_referrals(sender=haven, receiver=statutory, count=5, status=ReferralStatus.DECLINED)
    agreement = DataSharingAgreement.objects.get(title="Northbridge DSA")
    from apps.consent.models import DsaParty

    DsaParty.objects.create(agreement=agreement, agency=statutory)
    DataSharingAgreement.objects.filter(pk=agreement.pk).update(reporting_allowed=True)
    scope = scope_get(actor=actor_of(world.partner_manager), key=str(agreement.pk))
    table = _table(funnel_tables(scope=scope, filters=_filters()), "by-agency-sector")
    rows = {row[0]: row for row in table.rows}
    assert rows["Northbridge Police"][1] == 80.0
    assert rows["Safe Haven"][1] == 50.0


def test_practitioner_and_auditor_get_404_and_outsider_sees_only_its_own(world):
    add_referrals(sender=world.lead_practitioner, receiver=world.partner, count=6)
    assert client_for(world.lead_practitioner).get("/reports/funnel/").status_code == 404
    auditor = make_member(agency=world.lead, role=Role.AUDITOR)
    assert client_for(auditor).get("/reports/funnel/").status_code == 404
    response = client_for(world.outsider_manager).get("/reports/funnel/")
    assert response.status_code == 200
    summary = _table(response.context["tables"], "summary")
    assert [row[1] for row in summary.rows] == [0, 0]
    # A partnership the outsider's agency is not party to answers 404.
    other = make_agency(name="Elsewhere")
    from apps.consent.services import dsa_create_active_for_demo

    foreign = dsa_create_active_for_demo(agency_ids=[world.lead.pk, other.pk], title="Other")
    DataSharingAgreement.objects.filter(pk=foreign.pk).update(reporting_allowed=True)
    page = client_for(world.outsider_manager).get(f"/reports/funnel/?scope={foreign.pk}")
    assert page.status_code == 400  # not one of its choices: a form error, nothing shown
    assert page.context["tables"] == []


def test_page_has_charts_tables_csv_and_strict_csp(world, django_assert_max_num_queries):
    add_referrals(sender=world.lead_practitioner, receiver=world.partner, count=6)
    client = client_for(world.lead_manager)
    # 28 and the navigation's referral count (issue 13), on the session's first request.
    with django_assert_max_num_queries(29):
        response = client.get("/reports/funnel/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html
    assert 'aria-labelledby="chart-by-month-title chart-by-month-desc"' in html
    assert "<style" not in html and " style=" not in html
    assert '<script type="text/javascript"' not in html
    csp = response.headers["Content-Security-Policy"]
    assert "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "no-store" in response.headers.get("Cache-Control", "")
    download = client.get("/reports/funnel/?download=by-month")
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][0] == "Month" and rows[1][1] == "6"
    assert client.get("/reports/funnel/?download=nope").status_code == 404


def test_query_count_does_not_grow_with_referrals(world, django_assert_max_num_queries):
    client = client_for(world.lead_manager)
    add_referrals(sender=world.lead_practitioner, receiver=world.partner, count=2)
    client.get("/reports/funnel/")  # the session's first request does one-off work
    with django_assert_max_num_queries(28) as few:
        client.get("/reports/funnel/")
    add_referrals(sender=world.lead_practitioner, receiver=world.outsider, count=12)
    with django_assert_max_num_queries(28) as many:
        client.get("/reports/funnel/")
    assert len(few.captured_queries) == len(many.captured_queries)


def test_bad_filters_are_form_errors_not_server_errors(world):
    client = client_for(world.lead_manager)
    response = client.get("/reports/funnel/?date_from=2026-13-01&to_kind=nope&agency=x")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "Start date must be a real date" in html
    response = client.get("/reports/funnel/?date_from=2026-06-01&date_to=2026-01-01")
    assert response.status_code == 400
    assert "The end date must be the same as or after the start date." in response.content.decode()


def test_reports_link_in_the_header_only_for_report_roles(world):
    manager = client_for(world.lead_manager).get("/reports/").content.decode()
    assert 'href="/reports/"' in manager
    practitioner = client_for(world.lead_practitioner).get("/profile/")
    assert 'href="/reports/"' not in practitioner.content.decode()
