"""The issue's "done when", tried on the demo data as a new user would."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.agencies.actor import Actor
from apps.agencies.models import Membership
from apps.cases.models import CaseGroupObjectPermission, CaseNote, Involvement
from apps.cases.selectors import case_access, case_list
from apps.cases.services import involvement_expire
from apps.core.demo import loader
from apps.marac import services as marac_services
from apps.marac.models import AgendaItem, Meeting, MeetingStatus
from apps.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def sections_of(**kwargs):
    return case_access(**kwargs)[1]


def member(username: str) -> Membership:
    return Membership.objects.active().select_related("agency", "user").filter(
        user__username=username).order_by("created_at")[0]


def client_for(membership: Membership):
    """Signed in with the demo password, acting for ``membership``."""
    from django.test import Client

    from apps.agencies.middleware import SESSION_KEY

    client = Client()
    assert client.login(username=membership.user.username, password=loader.DEFAULT_PASSWORD)
    session = client.session
    session[SESSION_KEY] = str(membership.pk)
    session.save()
    return client


def actor(username: str) -> Actor:
    membership = member(username)
    return Actor(user=membership.user, membership=membership)


def test_housing_sees_the_marac_item_and_risk_but_not_where_amina_is(demo):
    amina = Person.objects.get(given_name="Amina")
    case = amina.cases.get()
    housing = actor("housing.lee")
    assert housing.agency.name == "Housing Options"
    involvement = Involvement.objects.get(case=case, agency=housing.agency,
                                          ended_at__isnull=True)
    assert involvement.role == "marac"
    assert "prevention or detection of crime" in involvement.basis.lower()
    assert involvement.sharing_basis.lawful_basis == "crime_prevention"
    assert sections_of(actor=housing, case=case).sections == {"identity", "risk", "plan_own"}
    client = client_for(member("housing.lee"))
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Amina" in html and amina.address_line_1 not in html
    if amina.safe_times:
        assert amina.safe_times not in html
    meeting = AgendaItem.objects.get(case=case).meeting
    pack = client.get(f"/marac/meetings/{meeting.pk}/pack/").content.decode()
    assert "Amina" in pack and "DASH score" in pack and amina.address_line_1 not in pack
    why = client.get(f"/cases/{case.pk}/why/").content.decode()
    assert "28 days after the MARAC meeting" in why
    assert "not shared with your agency" in why


def test_change_pathways_never_sees_a_victims_contact(demo):
    change = actor("mgr.changepathways")
    assert change.agency.works_with_person_causing_harm
    assert not CaseGroupObjectPermission.objects.filter(
        group_id=change.agency.group_id, permission__codename="view_case_contact").exists()
    client = client_for(member("mgr.changepathways"))
    visible = list(case_list(actor=change))
    assert visible  # it sits at the MARAC: it sees the listed cases' identity and risk
    for case in visible:
        html = client.get(f"/cases/{case.pk}/").content.decode()
        assert case.subject.address_line_1 not in html


def test_28_days_after_the_meeting_housings_access_has_ended_by_itself(demo):
    case = Person.objects.get(given_name="Amina").cases.get()
    meeting = AgendaItem.objects.get(case=case).meeting
    coordinator = actor("coordinator")
    marac_services.attendance_record(actor=coordinator, meeting=meeting, rows={},
                                     confidentiality_read=True)
    for item in AgendaItem.objects.filter(meeting=meeting):
        marac_services.agenda_item_minute(actor=coordinator, item=item, minutes="Heard.",
                                          risk_confirmed="high")
    marac_services.meeting_close(actor=coordinator, meeting=meeting)
    meeting.refresh_from_db()
    housing = actor("housing.lee")
    involvement = Involvement.objects.get(case=case, agency=housing.agency,
                                          ended_at__isnull=True)
    assert involvement.ends_at == meeting.held_at + datetime.timedelta(days=28)
    why = client_for(member("housing.lee")).get(f"/cases/{case.pk}/why/").content.decode()
    assert f"{involvement.ends_at:%-d %B %Y}: MARAC access ends by itself 28 days" in why
    # 28 days on (the clock moved by moving the dates back), before any sweep: gone.
    Involvement.objects.filter(pk=involvement.pk).update(
        ends_at=timezone.now() - datetime.timedelta(minutes=1))
    assert not case_list(actor=housing).filter(pk=case.pk).exists()
    assert client_for(member("housing.lee")).get(f"/cases/{case.pk}/").status_code == 404
    involvement_expire(involvement_id=involvement.pk)
    assert CaseNote.objects.filter(case=case,
                                   text="Housing Options' MARAC access ended.").exists()


def test_demo_shows_an_expired_a_narrowed_and_a_widened_scope(demo):
    connor = Person.objects.get(given_name="Connor").cases.get()
    expired = Involvement.objects.filter(case=connor, agency__name="Housing Options",
                                         role="marac")
    assert expired.exists() and all(i.ended_at is not None for i in expired)
    assert CaseNote.objects.filter(case=connor,
                                   text="Housing Options' MARAC access ended.").exists()
    hearth = Involvement.objects.get(case=connor, agency__name="Hearth Homes",
                                     ended_at__isnull=True)
    assert hearth.sections == ["identity", "contact", "plan"] and hearth.scope_reason
    amina = Person.objects.get(given_name="Amina").cases.get()
    nhs = Involvement.objects.get(case=amina, ended_at__isnull=True,
                                  agency__name="Northbridge NHS Foundation Trust")
    assert "chronology" in nhs.sections and nhs.scope_changed_by is not None
    assert Meeting.objects.filter(status=MeetingStatus.HELD).exists()
