"""Issue 11 item 3: an agency admin cannot add another agency's user by username. Adding an
existing account becomes a secondment request that the person's home agency decides; the
form answers the same whether or not the username exists."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from apps.agencies.models import Membership, Role, SecondmentRequest, SecondmentStatus
from apps.agencies.services import (
    SECONDMENT_REQUESTED,
    membership_end,
    secondment_request_create,
)
from apps.audit.models import AccessEvent
from apps.notifications.models import Notification
from tests.conftest import client_for
from tests.factories import UserFactory, actor_of, make_member

pytestmark = pytest.mark.django_db
User = get_user_model()
REQUEST = "/agency/staff/existing/"
SECONDMENTS = "/agency/secondments/"


def page(response) -> str:
    return response.content.decode()


def normalised(html: str) -> str:
    """The page without what differs on every request (CSRF tokens, CSP nonces)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'<meta name="csrf-token" content="[^"]+">', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def flash(response) -> str:
    """The signed messages cookie without its timestamp and signature (which vary by time)."""
    return response.cookies["messages"].value.rsplit(":", 2)[0]


def counts() -> tuple[int, ...]:
    return (User.objects.count(), Membership.objects.count(), SecondmentRequest.objects.count(),
            Notification.objects.count(), AccessEvent.objects.count())


@pytest.fixture
def partner_admin(world) -> Membership:
    return make_member(agency=world.partner, role=Role.AGENCY_ADMIN)


def ask(client, username: str, role: str = Role.PRACTITIONER, job_title: str = ""):
    return client.post(REQUEST, {"username": username, "role": role, "job_title": job_title})


def test_existing_and_unknown_usernames_get_the_same_answer(world, partner_admin):
    client = client_for(world.lead_admin)
    client.get(reverse("agencies:members"))  # settle the session
    before = counts()
    unknown = ask(client, "nobody.here")
    unknown_page = normalised(page(client.get(unknown["Location"])))
    assert counts() == before  # nothing at all is written for an unknown username
    orphan = UserFactory()  # an account with no agency: nobody to ask, nothing written
    before = counts()
    no_agency = ask(client, orphan.username)
    no_agency_page = normalised(page(client.get(no_agency["Location"])))
    assert counts() == before
    existing = ask(client, world.partner_practitioner.user.username)
    existing_page = normalised(page(client.get(existing["Location"])))
    for response in (unknown, no_agency, existing):
        assert response.status_code == 302
        assert response["Location"] == reverse("agencies:members")
        assert response.content == b""
    assert flash(unknown) == flash(no_agency) == flash(existing)
    assert unknown_page == no_agency_page == existing_page
    assert escape(SECONDMENT_REQUESTED) in existing_page
    # Asking again for the same person answers the same and writes nothing more.
    before = counts()
    again = ask(client, world.partner_practitioner.user.username)
    assert (again.status_code, again["Location"]) == (302, reverse("agencies:members"))
    assert flash(again) == flash(existing)
    assert counts() == before


def test_a_request_adds_nobody_until_the_home_agency_agrees(world, partner_admin):
    person = world.partner_practitioner.user
    ask(client_for(world.lead_admin), person.username, Role.MANAGER, "Outreach worker")
    assert not Membership.objects.filter(user=person, agency=world.lead).exists()
    assert not person.groups.filter(pk=world.lead.group_id).exists()
    request = SecondmentRequest.objects.get()
    assert (request.agency, request.home_agency, request.user, request.role, request.job_title,
            request.requested_by, request.status) == (
        world.lead, world.partner, person, Role.MANAGER, "Outreach worker",
        world.lead_admin.user, SecondmentStatus.PENDING)
    assert AccessEvent.objects.filter(object_type="secondment_request", object_id=request.pk,
                                      action="create", user=world.lead_admin.user).exists()
    # The home agency's admins and the person are told, with no personal data.
    admin_notice = Notification.objects.get(recipient=partner_admin.user)
    person_notice = Notification.objects.get(recipient=person)
    assert admin_notice.url == SECONDMENTS and admin_notice.agency_id == world.partner.pk
    assert "Northbridge Police" in person_notice.title
    for notice in (admin_notice, person_notice):
        for personal in (person.username, person.first_name, person.last_name):
            assert personal not in notice.title
    # The requesting agency sees nothing of it: not in its staff list, not as a request.
    members = page(client_for(world.lead_admin).get(reverse("agencies:members")))
    assert person.username not in members
    assert person.username not in page(client_for(world.lead_admin).get(SECONDMENTS))
    # The home agency's admin sees it.
    waiting = page(client_for(partner_admin).get(SECONDMENTS))
    assert person.username in waiting and "Northbridge Police" in waiting


def test_accepting_makes_the_membership_and_group_membership(world, partner_admin):
    person = world.partner_practitioner.user
    ask(client_for(world.lead_admin), person.username, Role.MANAGER)
    request = SecondmentRequest.objects.get()
    response = client_for(partner_admin).post(SECONDMENTS, {"secondment": request.pk,
                                                            "decision": "accept"})
    assert response.status_code == 302 and response["Location"] == SECONDMENTS
    membership = Membership.objects.get(user=person, agency=world.lead, ended_at__isnull=True)
    assert membership.role == Role.MANAGER
    assert person.groups.filter(pk=world.lead.group_id).exists()
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.membership) == (
        SecondmentStatus.ACCEPTED, partner_admin.user, membership)
    assert request.decided_at is not None
    assert AccessEvent.objects.filter(object_type="secondment_request", object_id=request.pk,
                                      action="accept", user=partner_admin.user).exists()
    assert AccessEvent.objects.filter(object_type="membership", object_id=membership.pk,
                                      action="create").exists()
    assert Notification.objects.filter(recipient=person, kind="secondment_accepted").exists()
    assert Notification.objects.filter(recipient=world.lead_admin.user,
                                       kind="secondment_accepted").exists()
    # Still a member at home; the new membership is on the requesting agency's staff list.
    world.partner_practitioner.refresh_from_db()
    assert world.partner_practitioner.ended_at is None
    assert person.username in page(client_for(world.lead_admin).get(reverse("agencies:members")))


def test_refusing_makes_nothing(world, partner_admin):
    person = world.partner_practitioner.user
    ask(client_for(world.lead_admin), person.username, Role.AGENCY_ADMIN)
    request = SecondmentRequest.objects.get()
    memberships = Membership.objects.count()
    response = client_for(partner_admin).post(SECONDMENTS, {"secondment": request.pk,
                                                            "decision": "refuse"})
    assert response.status_code == 302
    assert Membership.objects.count() == memberships
    assert not person.groups.filter(pk=world.lead.group_id).exists()
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (SecondmentStatus.REFUSED, partner_admin.user)
    assert AccessEvent.objects.filter(object_type="secondment_request", object_id=request.pk,
                                      action="refuse").exists()
    assert Notification.objects.filter(recipient=person, kind="secondment_refused").exists()
    # The requester is not told (a refusal must look like an unknown username).
    assert not Notification.objects.filter(recipient=world.lead_admin.user).exists()
    # Decided: it cannot be decided again.
    again = client_for(partner_admin).post(SECONDMENTS, {"secondment": request.pk,
                                                         "decision": "accept"})
    assert again.status_code == 404
    assert Membership.objects.count() == memberships


def test_nobody_but_the_home_agencys_admins_can_decide(world, partner_admin):
    person = world.partner_practitioner.user
    ask(client_for(world.lead_admin), person.username)
    request = SecondmentRequest.objects.get()
    outsider_admin = make_member(agency=world.outsider, role=Role.AGENCY_ADMIN)
    before = counts()
    for membership in (world.lead_admin, outsider_admin, world.partner_manager,
                       world.partner_practitioner):
        client = client_for(membership)
        for decision in ("accept", "refuse"):
            response = client.post(SECONDMENTS, {"secondment": request.pk,
                                                 "decision": decision})
            assert response.status_code == 404, membership
        assert person.username not in page(client.get(SECONDMENTS))
    request.refresh_from_db()
    assert request.status == SecondmentStatus.PENDING and request.decided_by is None
    assert counts() == before
    assert not Membership.objects.filter(user=person, agency=world.lead).exists()


def test_a_bad_decision_form_is_a_govuk_error(world, partner_admin):
    client = client_for(partner_admin)
    response = client.post(SECONDMENTS, {"secondment": "nonsense", "decision": "maybe"})
    assert response.status_code == 400 and "govuk-error-summary" in page(response)


def test_the_old_hole_is_closed_no_direct_add_of_another_agencys_user(world, partner_admin):
    """Before: posting another agency's username to "Add a member" made the membership."""
    client = client_for(world.lead_admin)
    target = world.outsider_practitioner.user
    client.post(reverse("agencies:member-add"), {"username": target.username,
                                                 "role": Role.AGENCY_ADMIN})
    client.post(reverse("agencies:member-add"), {"username": target.username,
                                                 "first_name": "A", "last_name": "B",
                                                 "role": Role.AGENCY_ADMIN})
    ask(client, target.username, Role.AGENCY_ADMIN)
    assert not Membership.objects.filter(user=target, agency=world.lead).exists()
    assert not target.groups.filter(pk=world.lead.group_id).exists()


def test_a_request_lapses_when_the_person_leaves_their_home_agency(world, partner_admin):
    person = world.partner_practitioner
    ask(client_for(world.lead_admin), person.user.username)
    request = SecondmentRequest.objects.get()
    membership_end(actor=actor_of(partner_admin), membership=person)
    request.refresh_from_db()
    assert request.status == SecondmentStatus.CANCELLED
    response = client_for(partner_admin).post(SECONDMENTS, {"secondment": request.pk,
                                                            "decision": "accept"})
    assert response.status_code == 404
    assert not Membership.objects.filter(user=person.user, agency=world.lead).exists()


def test_a_request_that_no_longer_applies_is_closed_not_accepted(world, partner_admin):
    """Accepted after the person already joined the requesting agency some other way."""
    from apps.agencies.services import membership_add

    person = world.partner_practitioner.user
    secondment_request_create(actor=actor_of(world.lead_admin), username=person.username,
                              role=Role.PRACTITIONER)
    request = SecondmentRequest.objects.get()
    membership_add(actor=None, user=person, agency=world.lead, role=Role.PRACTITIONER)
    response = client_for(partner_admin).post(SECONDMENTS, {"secondment": request.pk,
                                                            "decision": "accept"}, follow=True)
    assert "no longer applies" in page(response)
    request.refresh_from_db()
    assert request.status == SecondmentStatus.CANCELLED and request.membership is None
    assert Membership.objects.filter(user=person, agency=world.lead).count() == 1


def test_members_page_shows_how_many_requests_wait(world, partner_admin):
    ask(client_for(world.lead_admin), world.partner_practitioner.user.username)
    html = page(client_for(partner_admin).get(reverse("agencies:members")))
    assert SECONDMENTS in html and "1 waiting" in html


def test_an_admin_cannot_decide_a_request_about_themselves(world, partner_admin):
    ask(client_for(world.lead_admin), partner_admin.user.username, Role.AGENCY_ADMIN)
    request = SecondmentRequest.objects.get(user=partner_admin.user)
    response = client_for(partner_admin).post(SECONDMENTS, {"secondment": request.pk,
                                                            "decision": "accept"}, follow=True)
    assert "decided by another admin" in page(response)
    request.refresh_from_db()
    assert request.status == SecondmentStatus.PENDING
    assert not Membership.objects.filter(user=partner_admin.user, agency=world.lead).exists()
    other_admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    client_for(other_admin).post(SECONDMENTS, {"secondment": request.pk, "decision": "accept"})
    assert Membership.objects.filter(user=partner_admin.user, agency=world.lead).exists()
