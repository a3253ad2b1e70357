from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone

from apps.cases.models import CasePerson, CasePersonRole
from apps.insight.marac_return import Quarter, current_quarter, quarter_parse
from apps.marac.models import AgendaItem, MaracArea
from apps.people.models import Person
from tests.conftest import api_client_for, client_for
from tests.factories import make_case
from tests.marac.helpers import make_marac, past_meeting

pytestmark = pytest.mark.django_db


def _held_quarter(world, marac, *, cases: int = 8, repeats: int = 2):
    quarter = current_quarter()
    on = timezone.make_aware(datetime.datetime.combine(quarter.start, datetime.time(10)))
    meeting = past_meeting(marac=marac, on=on)
    made = []
    for index in range(cases):
        case = make_case(lead=world.lead_practitioner, gender="male" if index < 5 else "female",
                         ethnic_group="black" if index < 6 else "white")
        AgendaItem.objects.create(meeting=meeting, case=case, position=index,
                                  is_repeat=index < repeats)
        made.append(case)
    for case in made[:6]:
        child = Person.objects.create(given_name="Kid", family_name="X",
                                      created_by_agency=world.lead,
                                      date_of_birth=datetime.date(2018, 1, 1))
        CasePerson.objects.create(case=case, person=child, role=CasePersonRole.CHILD)
    return quarter


def test_coordinator_sees_the_return_with_benchmark_and_suppression(world):
    marac = make_marac(world)
    MaracArea.objects.filter(pk=marac.area.pk).update(adult_female_population=20_000)
    quarter = _held_quarter(world, marac)
    client = client_for(marac.coordinator)
    response = client.get(f"/reports/marac-return/?quarter={quarter.key}")
    assert response.status_code == 200
    rows = {row[0]: row for row in response.context["tables"][0].rows}
    assert rows["Cases discussed"][1] == 8
    assert rows["Cases expected at the SafeLives benchmark (40 a year per 10,000 adult "
                "women)"][1] == 20.0
    assert rows["Cases discussed per 10,000 adult women, a year"][1] == 16.0
    assert rows["Repeat cases"][1:] == ["suppressed", "suppressed"]  # 2: under 5
    assert rows["Male victims"][1:] == [5, 62.5]
    assert rows["Victims from Black and minority ethnic groups"][1:] == [6, 75.0]
    assert rows["Children in the households"][1] == 6
    html = response.content.decode()
    assert "@page" not in html and 'role="img"' in html
    download = client.get(f"/reports/marac-return/?quarter={quarter.key}&download=return")
    lines = list(csv.reader(io.StringIO(download.content.decode())))
    assert lines[1] == ["Cases discussed", "8", ""]
    api = api_client_for(marac.coordinator).get(
        f"/api/v1/reports/marac-return/?quarter={quarter.key}")
    assert api.status_code == 200 and api.json()["quarter"] == quarter.key


def test_only_the_areas_coordinator_sees_the_return(world):
    marac = make_marac(world)
    _held_quarter(world, marac)
    for membership in (world.lead_manager, world.lead_admin, world.outsider_manager,
                       world.lead_practitioner):
        assert client_for(membership).get("/reports/marac-return/").status_code == 404
        assert api_client_for(membership).get(
            "/api/v1/reports/marac-return/").status_code == 404


def test_bad_quarter_is_a_form_error(world):
    marac = make_marac(world)
    client = client_for(marac.coordinator)
    response = client.get("/reports/marac-return/?quarter=2026-Q7")
    assert response.status_code == 400
    assert "Enter the quarter as a year and quarter, like 2026-Q3." in response.content.decode()
    api = api_client_for(marac.coordinator).get("/api/v1/reports/marac-return/?quarter=x")
    assert api.status_code == 400 and "quarter" in api.json()
    assert client.get("/reports/marac-return/?area=00000000-0000-0000-0000-000000000000"
                      ).status_code == 400


def test_quarters():
    assert quarter_parse("2026-Q3") == Quarter(2026, 3)
    assert quarter_parse("2026-Q3").end == datetime.date(2026, 9, 30)
    assert quarter_parse("2026-Q4").end == datetime.date(2026, 12, 31)
    assert quarter_parse("26-Q1") is None


def test_coordinator_records_the_area_population_in_its_settings(world):
    marac = make_marac(world)
    url = f"/marac/areas/{marac.area.pk}/settings/"
    data = {"meeting_frequency_days": "28", "high_risk_threshold": "14",
            "escalation_threshold": "3", "repeat_window_months": "12",
            "research_days_before": "2", "lawful_basis": "vital_interests",
            "member_agencies": [str(world.lead.pk)]}
    client = client_for(marac.coordinator)
    assert client.post(url, {**data, "adult_female_population": "-5"}).status_code == 400
    assert client.post(url, {**data, "adult_female_population": "31000"}).status_code == 302
    marac.area.refresh_from_db()
    assert marac.area.adult_female_population == 31000
