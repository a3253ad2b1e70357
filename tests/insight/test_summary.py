"""The nightly summary (apps/insight/summary.py): the same figures as the live computation for
every funnel and equality table, scopes and filters; "Figures as of" on the pages and in the
API; one refresh replaces the last; fixed query counts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from apps.action_plans.models import Action, ActionPlan, ActionStatus
from apps.agencies.models import AgencyKind, Team
from apps.cases.models import CaseNote, NoteKind
from apps.consent.models import BasisKind, DataSharingAgreement, LawfulBasis, SharingBasis
from apps.insight.equality import OUTCOMES, equality_tables
from apps.insight.filters import Filters, default_period, month_span
from apps.insight.funnel import funnel_tables
from apps.insight.models import OutcomeMonth, ReferralMonth, SummaryRefresh
from apps.insight.scope import scope_get
from apps.insight.sql import histogram_median
from apps.insight.summary import figures_as_of, summary_refresh
from apps.marac import dash
from apps.marac.models import MaracReferral, MaracReferralStatus
from apps.referrals.models import Referral, ReferralStatus
from tests.conftest import api_client_for, client_for
from tests.factories import actor_of, make_agency, make_case
from tests.insight.helpers import add_referrals
from tests.marac.helpers import checklist, make_marac
from tests.referrals.helpers import make_service

pytestmark = pytest.mark.django_db


def _decided_after(rows, hours: float) -> None:
    for row in rows:
        Referral.objects.filter(pk=row.pk).update(
            decided_at=row.first_submitted_at + datetime.timedelta(hours=hours))


def _contact_after(rows, hours: float) -> None:
    for row in rows:
        note = CaseNote.objects.create(case=row.case, author=row.from_user, agency=row.to_agency,
                                       kind=NoteKind.CONTACT, text="Spoke to the person.")
        CaseNote.objects.filter(pk=note.pk).update(
            created_at=row.first_submitted_at + datetime.timedelta(hours=hours))


@pytest.fixture
def varied(world):
    """Referrals over several months, both ways, to three sectors, with teams, an area, every
    status, decline reasons, decision and contact times; MARAC referrals and actions."""
    police, haven = world.lead_practitioner, world.partner_practitioner
    statutory = make_agency(name="Children's Services")
    cic = make_agency(name="Bridgeway Recovery CIC", kind=AgencyKind.SOCIAL_ENTERPRISE)
    team = Team.objects.create(agency=world.lead, name="Response team")
    type(police).objects.filter(pk=police.pk).update(team=team)
    service = make_service(agency=world.partner, area="Northbridge")
    made = add_referrals(sender=police, receiver=world.partner, count=7, days_ago=70,
                         ethnic_group="white", gender="female")
    _decided_after(made[:3], 2.0)
    _decided_after(made[3:], 30.0)
    _contact_after(made[:4], 5.0)
    Referral.objects.filter(pk__in=[r.pk for r in made[:5]]).update(to_service=service)
    add_referrals(sender=police, receiver=statutory, count=6, days_ago=40,
                  status=ReferralStatus.DECLINED, decline_category="no_capacity",
                  ethnic_group="black", disabled="yes")
    add_referrals(sender=police, receiver=cic, count=5, days_ago=5,
                  status=ReferralStatus.COMPLETED, sexual_orientation="bisexual")
    add_referrals(sender=haven, receiver=world.lead, count=6, days_ago=100,
                  status=ReferralStatus.DECLINED, decline_category="not_eligible",
                  ethnic_group="asian", date_of_birth=datetime.date(2010, 1, 1))
    add_referrals(sender=haven, receiver=statutory, count=8, days_ago=20, gender="male")
    add_referrals(sender=haven, receiver=world.lead, count=3, days_ago=3,
                  status=ReferralStatus.SUBMITTED)
    add_referrals(sender=haven, receiver=world.lead, count=2, days_ago=8,
                  status=ReferralStatus.WITHDRAWN)
    add_referrals(sender=world.outsider_practitioner, receiver=world.partner, count=5,
                  days_ago=15)
    marac = make_marac(world)
    basis = SharingBasis.objects.create(
        kind=BasisKind.LAWFUL_BASIS, lawful_basis=LawfulBasis.VITAL_INTERESTS,
        justification="High risk.", decided_by=marac.coordinator.user,
        decided_by_agency=marac.csp, decided_at=timezone.now())
    for index in range(12):
        case = make_case(lead=police, ethnic_group="white" if index < 6 else "black")
        MaracReferral.objects.create(
            case=case, area=marac.area, referring_agency=world.lead, referrer=police.user,
            checklist=checklist(membership=police, case=case, area=marac.area),
            route=dash.Route.PROFESSIONAL_JUDGEMENT, victim_aware=True, sharing_basis=basis,
            status=MaracReferralStatus.LISTED if index % 3 else MaracReferralStatus.SUBMITTED,
            submitted_at=timezone.now() - datetime.timedelta(days=10 * index))
        plan = ActionPlan.objects.create(case=case, created_by=police.user)
        Action.objects.create(plan=plan, description="Safety plan", owner_agency=world.lead,
                              created_by=police.user,
                              completion_note="Done." if index % 2 else "",
                              status=ActionStatus.DONE if index % 2 else ActionStatus.OPEN,
                              due_date=timezone.localdate() - datetime.timedelta(days=9 * index))
    agreement = DataSharingAgreement.objects.get(title="Northbridge DSA")
    DataSharingAgreement.objects.filter(pk=agreement.pk).update(reporting_allowed=True)
    summary_refresh()
    return {"team": team, "statutory": statutory, "agreement": agreement}


def _filter_sets(world, varied) -> list[Filters]:
    start, end = month_span(*default_period())
    today = timezone.localdate()
    recent = month_span(today - datetime.timedelta(days=45), today)
    return [Filters(start=start, end=end),
            Filters(start=recent[0], end=recent[1]),
            Filters(start=start, end=end, agency_id=varied["statutory"].pk),
            Filters(start=start, end=end, to_kind=AgencyKind.STATUTORY),
            Filters(start=start, end=end, team_id=varied["team"].pk),
            Filters(start=start, end=end, area="Northbridge")]


def _as_lists(tables):
    return [(t.key, t.columns, t.rows, t.note) for t in tables]


def test_summary_gives_the_live_figures_for_every_report_scope_and_filter(world, varied):
    checked = 0
    for membership, key in ((world.lead_manager, "agency"),
                            (world.partner_manager, "agency"),
                            (world.outsider_manager, "agency"),
                            (world.lead_manager, str(varied["agreement"].pk))):
        scope = scope_get(actor=actor_of(membership), key=key)
        for filters in _filter_sets(world, varied):
            live = funnel_tables(scope=scope, filters=filters, live=True)
            assert _as_lists(funnel_tables(scope=scope, filters=filters)) == _as_lists(live)
            for outcome in OUTCOMES:
                assert _as_lists(equality_tables(outcome=outcome.key, scope=scope,
                                                 filters=filters)) == _as_lists(
                    equality_tables(outcome=outcome.key, scope=scope, filters=filters,
                                    live=True))
            checked += 1
    # The comparisons are about real figures, not empty tables.
    scope = scope_get(actor=actor_of(world.lead_manager), key="agency")
    tables = {t.key: t for t in funnel_tables(scope=scope, filters=_filter_sets(world,
                                                                                 varied)[0])}
    made, received = tables["summary"].rows
    assert made[:4] == ["Made by us", 18, 12, 6]
    assert made[8:10] == [6.0, 5.0]  # median hours to decision, to first contact
    assert received[1] == 11
    assert len(tables["by-month"].rows) >= 3 and tables["declines"].rows
    marac = {t.key: t for t in equality_tables(outcome="marac", scope=scope,
                                               filters=_filter_sets(world, varied)[0])}
    assert marac["marac-ethnic_group"].rows
    assert checked == 24


def test_a_refresh_replaces_the_last_and_says_when(world, varied):
    first = figures_as_of()
    rows = ReferralMonth.objects.count()
    assert rows and OutcomeMonth.objects.filter(outcome="action").exists()
    summary_refresh()
    assert ReferralMonth.objects.count() == rows  # replaced, not added to
    assert figures_as_of() > first
    assert SummaryRefresh.objects.latest().computed_at == figures_as_of()


def test_pages_and_api_say_when_the_figures_were_computed(world, varied):
    as_of = timezone.localtime(figures_as_of())
    client = client_for(world.lead_manager)
    for url in ("/reports/funnel/", "/reports/equality/"):
        html = client.get(url).content.decode()
        assert f"Figures as of {as_of:%H:%M} on {as_of.day} {as_of:%B %Y}" in html
    body = api_client_for(world.lead_manager).get("/api/v1/reports/funnel/").json()
    assert body["as_of"] and body["period_start"].endswith("-01")


def test_before_the_first_refresh_the_page_says_so_and_shows_nothing(world):
    add_referrals(sender=world.lead_practitioner, receiver=world.partner, count=6)
    SummaryRefresh.objects.all().delete()
    ReferralMonth.objects.all().delete()
    response = client_for(world.lead_manager).get("/reports/funnel/")
    assert "The figures have not been computed yet" in response.content.decode()
    assert response.context["tables"][0].rows[0][1] == 0
    assert api_client_for(world.lead_manager).get(
        "/api/v1/reports/funnel/").json()["as_of"] is None


def test_changes_show_after_the_next_refresh(world):
    rows = add_referrals(sender=world.lead_practitioner, receiver=world.partner, count=6,
                         status=ReferralStatus.SUBMITTED)
    Referral.objects.filter(pk=rows[0].pk).update(status=ReferralStatus.ACCEPTED)
    scope = scope_get(actor=actor_of(world.lead_manager), key="agency")
    filters = Filters(*month_span(*default_period()))
    summary = next(t for t in funnel_tables(scope=scope, filters=filters) if t.key == "summary")
    assert summary.rows[0][2] == 0  # still as of the refresh
    summary_refresh()
    summary = next(t for t in funnel_tables(scope=scope, filters=filters) if t.key == "summary")
    assert summary.rows[0][2] == 1


def test_suppression_still_hides_a_group_of_three_from_the_summary(world):
    send = world.lead_practitioner
    add_referrals(sender=send, receiver=world.partner, count=20, ethnic_group="white")
    add_referrals(sender=send, receiver=world.partner, count=10, ethnic_group="black")
    add_referrals(sender=send, receiver=world.partner, count=3, ethnic_group="mixed")
    for url in ("/reports/equality/", "/reports/equality/?download=referral-ethnic_group"):
        content = client_for(world.lead_manager).get(url).content.decode()
        assert "Mixed or multiple ethnic groups" in content
        assert ",3," not in content and ">3<" not in content


def test_period_is_counted_by_whole_months(world):
    response = client_for(world.lead_manager).get(
        "/reports/funnel/?date_from=2026-03-15&date_to=2026-06-10")
    assert response.status_code == 200
    filters = response.context["filters"]
    assert (filters.start, filters.end) == (datetime.date(2026, 3, 1),
                                            datetime.date(2026, 6, 30))


@pytest.mark.parametrize("url", ["/reports/equality/", "/api/v1/reports/funnel/",
                                 "/api/v1/reports/equality/?outcome=marac"])
def test_query_counts_do_not_grow_with_the_data(world, url, django_assert_max_num_queries):
    client = (api_client_for if url.startswith("/api/") else client_for)(world.lead_manager)
    add_referrals(sender=world.lead_practitioner, receiver=world.partner, count=2)
    client.get(url)
    with django_assert_max_num_queries(28) as few:
        client.get(url)
    add_referrals(sender=world.lead_practitioner, receiver=world.outsider, count=12,
                  ethnic_group="black")
    add_referrals(sender=world.partner_practitioner, receiver=world.lead, count=7,
                  status=ReferralStatus.DECLINED)
    with django_assert_max_num_queries(28) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)


def test_histogram_median():
    assert histogram_median([]) is None
    assert histogram_median([(3, 18.0)]) == 6.0  # three at 6 hours
    assert histogram_median([(1, 2.0), (1, 30.0)]) == 16.0  # between the two
    assert histogram_median([(3, 6.0), (0, 0.0), (4, 120.0)]) == 30.0
