"""Agency admin pages: an admin manages the acting agency's staff, and nobody else's."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.agencies.models import Membership, Role
from apps.agencies.services import membership_add
from tests.conftest import client_for
from tests.factories import make_member

pytestmark = pytest.mark.django_db
User = get_user_model()


def page(response) -> str:
    return response.content.decode()


def member_urls(membership: Membership) -> list[str]:
    return [reverse("agencies:member-role", args=[membership.pk]),
            reverse("agencies:member-end", args=[membership.pk])]


def test_admin_lists_own_agency_staff_only(world):
    html = page(client_for(world.lead_admin).get(reverse("agencies:members")))
    for m in (world.lead_practitioner, world.lead_manager, world.lead_admin):
        assert m.user.username in html
    for m in (world.partner_practitioner, world.outsider_manager):
        assert m.user.username not in html


def test_non_admins_get_404_on_every_admin_page(world):
    urls = [reverse("agencies:members"), reverse("agencies:member-add"),
            reverse("agencies:member-request"), reverse("agencies:secondments"),
            *member_urls(world.lead_practitioner)]
    for membership in (world.lead_practitioner, world.lead_manager, world.partner_manager):
        client = client_for(membership)
        for url in urls:
            assert client.get(url).status_code == 404, (membership, url)
        assert client.post(reverse("agencies:member-add"), {
            "username": "sneaky", "first_name": "A", "last_name": "B",
            "role": Role.AGENCY_ADMIN}).status_code == 404
        assert client.post(reverse("agencies:member-request"), {
            "username": world.outsider_practitioner.user.username,
            "role": Role.AGENCY_ADMIN}).status_code == 404
        assert client.post(member_urls(world.lead_practitioner)[1]).status_code == 404
    assert not User.objects.filter(username="sneaky").exists()
    assert not Membership.objects.filter(user=world.outsider_practitioner.user).exclude(
        pk=world.outsider_practitioner.pk).exists()
    world.lead_practitioner.refresh_from_db()
    assert world.lead_practitioner.ended_at is None


def test_admin_gets_404_for_another_agencys_memberships(world):
    client = client_for(world.lead_admin)
    for url in member_urls(world.partner_practitioner):
        assert client.get(url).status_code == 404
        assert client.post(url, {"role": Role.AGENCY_ADMIN}).status_code == 404
    world.partner_practitioner.refresh_from_db()
    assert world.partner_practitioner.role == Role.PRACTITIONER
    assert world.partner_practitioner.ended_at is None


def test_admin_acting_for_another_agency_is_not_an_admin_there(world):
    """A secondee who is admin at the lead agency but practitioner at the partner."""
    other_hat = membership_add(actor=None, user=world.lead_admin.user, agency=world.partner,
                               role=Role.PRACTITIONER)
    client = client_for(other_hat)
    assert client.get(reverse("agencies:members")).status_code == 404
    assert client.get(member_urls(world.lead_practitioner)[0]).status_code == 404


def test_add_a_new_user_shows_a_one_time_password_once(world):
    response = client_for(world.lead_admin).post(reverse("agencies:member-add"), {
        "username": "pc.new", "first_name": "Pat", "last_name": "New",
        "email": "pat@example.invalid", "role": Role.PRACTITIONER})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = re.search(r'data-testid="one-time-password">([^<]+)<', page(response)).group(1)
    user = User.objects.get(username="pc.new")
    assert user.check_password(password) and user.get_full_name() == "Pat New"
    assert password not in page(client_for(world.lead_admin).get(reverse("agencies:members")))
    fresh = Client()
    assert fresh.post(reverse("accounts:login"),
                      {"username": "pc.new", "password": password}).status_code == 302


def test_add_member_errors_are_govuk_errors_and_save_nothing(world):
    client = client_for(world.lead_admin)
    url = reverse("agencies:member-add")
    response = client.post(url, {})
    assert response.status_code == 400 and "govuk-error-summary" in page(response)
    response = client.post(url, {"username": "brand.new", "role": Role.PRACTITIONER})
    assert response.status_code == 400
    assert "Enter their first name." in page(response)
    assert not User.objects.filter(username="brand.new").exists()
    response = client.post(url, {"username": "bad name!", "first_name": "A", "last_name": "B",
                                 "role": Role.PRACTITIONER})
    assert response.status_code == 400
    # A username in use: refused, and nobody is added (an existing account is added with
    # "Add someone who already has an account", which asks their agency).
    for existing in (world.lead_practitioner, world.partner_practitioner):
        response = client.post(url, {"username": existing.user.username, "first_name": "A",
                                     "last_name": "B", "role": Role.PRACTITIONER})
        assert response.status_code == 400
        assert "govuk-error-summary" in page(response) and "already in use" in page(response)
        assert Membership.objects.filter(user=existing.user).count() == 1
    # Already a member, through the other form: the service's refusal in the error summary.
    response = client.post(reverse("agencies:member-request"), {
        "username": world.lead_practitioner.user.username, "role": Role.PRACTITIONER})
    assert response.status_code == 400
    assert "govuk-error-summary" in page(response) and "already a member" in page(response)
    assert Membership.objects.filter(user=world.lead_practitioner.user).count() == 1


def test_change_role(world):
    client = client_for(world.lead_admin)
    url = member_urls(world.lead_practitioner)[0]
    assert client.get(url).status_code == 200
    assert client.post(url, {"role": Role.MANAGER}).status_code == 302
    world.lead_practitioner.refresh_from_db()
    assert world.lead_practitioner.role == Role.MANAGER
    response = client.post(url, {"role": "emperor"})
    assert response.status_code == 400 and "govuk-error-summary" in page(response)


def test_end_membership_confirms_then_removes_case_access_and_sessions(world, shared_case):
    victim = world.partner_practitioner
    victim_client = client_for(victim)
    case_url = reverse("cases:detail", args=[shared_case.pk])
    assert victim_client.get(case_url).status_code == 200
    assert User.objects.get(pk=victim.user_id).has_perm("cases.view_case", shared_case)
    session_key = victim_client.session.session_key

    partner_admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    admin = client_for(partner_admin)
    end_url = member_urls(victim)[1]
    confirm = admin.get(end_url)
    assert confirm.status_code == 200 and "End membership" in page(confirm)
    victim.refresh_from_db()
    assert victim.ended_at is None  # a GET changes nothing

    assert admin.post(end_url).status_code == 302
    victim.refresh_from_db()
    assert victim.ended_at is not None and victim.ended_by == partner_admin.user
    assert not Session.objects.filter(session_key=session_key).exists()
    response = victim_client.get(case_url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not User.objects.get(pk=victim.user_id).has_perm("cases.view_case", shared_case)
    # Ended members are listed under "Ended", with no actions.
    ended = page(admin.get(reverse("agencies:members") + "?status=ended"))
    assert victim.user.username in ended and end_url not in ended
    assert victim.user.username not in page(admin.get(reverse("agencies:members")))


def test_ending_twice_or_ending_yourself_is_a_govuk_error(world):
    client = client_for(world.lead_admin)
    own = member_urls(world.lead_admin)[1]
    response = client.post(own)
    assert response.status_code == 400
    assert "govuk-error-summary" in page(response) and "your own membership" in page(response)
    end_url = member_urls(world.lead_practitioner)[1]
    assert client.post(end_url).status_code == 302
    response = client.post(end_url)
    assert response.status_code == 400 and "already ended" in page(response)


def _members_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("agencies:members"))
    assert response.status_code == 200
    return len(queries)


def test_members_list_query_count_is_constant(world):
    client = client_for(world.lead_admin)
    for _ in range(2):
        make_member(agency=world.lead)
    assert Membership.objects.filter(agency=world.lead).count() == 5
    client.get(reverse("agencies:members"))  # warm the session
    five = _members_queries(client)
    for _ in range(15):
        make_member(agency=world.lead)
    assert _members_queries(client) == five


def test_members_list_pages_by_keyset(world, monkeypatch):
    monkeypatch.setattr("apps.agencies.views.MEMBERS_PAGE_SIZE", 2)
    client = client_for(world.lead_admin)
    seen: list[str] = []
    url = reverse("agencies:members")
    for _ in range(5):
        html = page(client.get(url))
        seen += re.findall(r'<td class="govuk-table__cell">(user\d+)</td>', html)
        match = re.search(r'href="([^"]+after=[^"]+)"', html)
        if not match:
            break
        url = match.group(1).replace("&amp;", "&")
    expected = sorted(m.user.username for m in Membership.objects.filter(agency=world.lead))
    assert seen == expected
    assert client.get(reverse("agencies:members") + "?after=nonsense").status_code == 404
    other = world.partner_practitioner.pk
    assert client.get(reverse("agencies:members") + f"?after={other}").status_code == 404


def test_the_last_agency_admin_cannot_be_demoted(world):
    from apps.agencies.models import Role
    from apps.agencies.services import membership_change_role
    from apps.core.exceptions import ServiceError
    from tests.factories import actor_of

    with pytest.raises(ServiceError, match="at least one agency admin"):
        membership_change_role(actor=actor_of(world.lead_admin), membership=world.lead_admin,
                               role=Role.PRACTITIONER)
    world.lead_admin.refresh_from_db()
    assert world.lead_admin.role == Role.AGENCY_ADMIN
