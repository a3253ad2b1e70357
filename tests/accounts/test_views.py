from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import ApiToken, UserSession, hash_key
from apps.agencies.middleware import SESSION_KEY
from apps.agencies.models import Role
from apps.agencies.services import membership_add, membership_end
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


# Sign in and out ---------------------------------------------------------------------------


def test_sign_in_records_the_session_and_lands_on_the_work_tray(world):
    client = Client()
    user = world.lead_practitioner.user
    response = client.post(reverse("accounts:login"),
                           {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")  # the work tray (issue 13)
    key = client.session.session_key
    assert UserSession.objects.filter(user=user, session_key=key).exists()


def test_wrong_password_shows_a_govuk_error_summary(world):
    response = Client().post(reverse("accounts:login"), {
        "username": world.lead_practitioner.user.username, "password": "wrong"})
    assert response.status_code == 200
    assert "govuk-error-summary" in page(response)
    assert "Enter a correct username and password." in page(response)


def test_sign_out_is_post_only_and_ends_the_session_server_side(world):
    client = client_for(world.lead_practitioner)
    key = client.session.session_key
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert Session.objects.filter(session_key=key).exists()
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("accounts:profile")).status_code == 302  # back to sign-in


def test_root_is_sign_in_or_the_work_tray(world):
    assert Client().get("/")["Location"] == reverse("accounts:login")
    response = client_for(world.lead_practitioner).get("/")
    assert response.status_code == 200
    assert "My work" in response.content.decode()


def test_anonymous_header_shows_only_the_service_name():
    html = page(Client().get(reverse("accounts:login")))
    assert "Wraparound" in html
    assert "govuk-service-navigation" not in html
    assert "Sign out" not in html
    assert "govuk-header__logotype" not in html and "crown" not in html.lower()


def test_pages_have_no_inline_script_or_style(world):
    admin = client_for(world.lead_admin)
    for client, url in ((admin, reverse("accounts:profile")), (admin, reverse("agencies:members")),
                        (admin, reverse("agencies:member-add")),
                        (admin, reverse("accounts:switch-agency")),
                        (Client(), reverse("accounts:login"))):
        html = page(client.get(url))
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert "<style" not in html and "style=" not in html, url
        assert 'type="module" src="/static/dist/app.js"' in html


def test_header_navigation_by_role(world):
    practitioner = page(client_for(world.lead_practitioner).get(reverse("accounts:profile")))
    assert "My work" in practitioner and "People" in practitioner and "Sign out" in practitioner
    assert reverse("agencies:members") not in practitioner
    assert 'data-testid="acting-agency">Northbridge Police<' in practitioner
    assert "Change agency" not in practitioner
    admin = page(client_for(world.lead_admin).get(reverse("accounts:profile")))
    assert reverse("agencies:members") in admin and "Agency admin" in admin


def test_user_without_membership_sees_a_plain_page_not_a_crash(world):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    response = client.get(reverse("cases:my-work"))
    assert response.status_code == 403
    assert "You are not a member of any agency" in page(response)
    assert client.get(reverse("accounts:switch-agency")).status_code == 403
    assert client.get(reverse("accounts:profile")).status_code == 200


# Switching agency --------------------------------------------------------------------------


@pytest.fixture
def secondee(world):
    """world.lead_practitioner's user, also a practitioner at the partner agency."""
    return membership_add(actor=None, user=world.lead_practitioner.user, agency=world.partner,
                          role=Role.PRACTITIONER)


def test_switching_agency_changes_the_actor(world, secondee):
    client = client_for(world.lead_practitioner)
    html = page(client.get(reverse("accounts:profile")))
    assert "Change agency" in html
    form = page(client.get(reverse("accounts:switch-agency")))
    assert str(secondee.pk) in form and str(world.lead_practitioner.pk) in form
    response = client.post(reverse("accounts:switch-agency"), {"membership": str(secondee.pk)})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(secondee.pk)
    response = client.get(reverse("accounts:profile"))
    assert response.wsgi_request.actor.membership == secondee
    assert 'data-testid="acting-agency">Safe Haven<' in page(response)


def test_cannot_switch_to_someone_elses_or_an_ended_membership(world, secondee):
    client = client_for(world.lead_practitioner)
    url = reverse("accounts:switch-agency")
    for other in (world.partner_manager, world.outsider_practitioner):
        assert client.post(url, {"membership": str(other.pk)}).status_code == 404
    assert client.post(url, {"membership": "not-a-uuid"}).status_code == 404
    membership_end(actor=None, membership=secondee)
    client = client_for(world.lead_practitioner)
    assert client.post(url, {"membership": str(secondee.pk)}).status_code == 404
    assert client.get(reverse("accounts:profile")).wsgi_request.actor.membership == \
        world.lead_practitioner


def test_switch_without_a_choice_shows_an_error(world, secondee):
    response = client_for(world.lead_practitioner).post(reverse("accounts:switch-agency"), {})
    assert response.status_code == 400
    assert "govuk-error-summary" in page(response)


# API tokens on the profile page ------------------------------------------------------------


def create_token(client: Client, membership, name: str = "Case system"):
    return client.post(reverse("accounts:profile"),
                       {"name": name, "membership": str(membership.pk)})


def test_token_key_is_shown_once_and_only_its_hash_is_kept(world):
    client = client_for(world.lead_practitioner)
    response = create_token(client, world.lead_practitioner)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = re.search(r'data-testid="new-token">([^<]+)<', page(response)).group(1)
    token = ApiToken.objects.get(membership=world.lead_practitioner)
    assert token.key_hash == hash_key(key) and key.startswith(token.prefix)
    again = page(client.get(reverse("accounts:profile")))
    assert key not in again
    assert token.prefix in again and "Case system" in again and "Never" in again


def test_token_for_someone_elses_membership_is_refused(world):
    client = client_for(world.lead_practitioner)
    response = create_token(client, world.partner_practitioner)
    assert response.status_code == 400
    assert "govuk-error-summary" in page(response)
    assert not ApiToken.objects.exists()


def test_token_without_a_name_is_refused(world):
    response = create_token(client_for(world.lead_practitioner), world.lead_practitioner, "")
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoke_own_token_only(world):
    mine = client_for(world.lead_practitioner)
    create_token(mine, world.lead_practitioner)
    token = ApiToken.objects.get()
    url = reverse("accounts:token-revoke", args=[token.pk])
    other = client_for(world.lead_admin)  # same agency, even an admin: not theirs
    assert other.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert mine.get(url).status_code == 405
    assert mine.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in page(mine.get(reverse("accounts:profile")))


def test_profile_query_count_does_not_grow_with_tokens(world):
    client = client_for(world.lead_practitioner)
    create_token(client, world.lead_practitioner, "first")
    client.get(reverse("accounts:profile"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:profile"))
    for n in range(10):
        create_token(client, world.lead_practitioner, f"token {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("accounts:profile"))
    assert len(many) == len(few)
