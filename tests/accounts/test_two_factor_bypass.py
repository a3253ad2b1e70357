"""Issue 11 item 1: only a request that authenticated with a valid API token skips the second
factor. A password-only session stays unverified whatever ``Authorization`` header it adds."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from apps.accounts.services import api_token_create
from tests.accounts.test_two_factor_and_sessions import enrol
from tests.conftest import api_client_for, client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

BOGUS_HEADERS = ["Bearer x", "Token not-a-real-key", "Basic Zm9vOmJhcg==", "x"]


def password_only(membership) -> Client:
    """A browser signed in with the password of a user who has enrolled, not yet verified."""
    enrol(client_for(membership))
    client = Client()
    assert client.post(reverse("accounts:login"), {"username": membership.user.username,
                                                   "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("header", BOGUS_HEADERS)
def test_a_bogus_authorization_header_does_not_skip_verification_on_pages(world, shared_case,
                                                                          header):
    client = password_only(world.lead_practitioner)
    for url in (reverse("cases:my-work"), reverse("cases:detail", args=[shared_case.pk])):
        response = client.get(url, HTTP_AUTHORIZATION=header)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:two-factor-verify")), url


@pytest.mark.parametrize("header", BOGUS_HEADERS)
def test_a_bogus_authorization_header_does_not_skip_verification_on_the_api(world, shared_case,
                                                                            header):
    client = password_only(world.lead_practitioner)
    for url in ("/api/v1/cases/", f"/api/v1/cases/{shared_case.pk}/"):
        response = client.get(url, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, (url, response.status_code)
        assert shared_case.reference not in response.content.decode()
        assert str(shared_case.pk) not in response.content.decode()


def test_an_unverified_session_without_any_header_is_refused_by_the_api(world, shared_case):
    client = password_only(world.lead_practitioner)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert shared_case.reference not in response.content.decode()


def test_a_valid_token_skips_the_second_factor_on_the_api_only(world, shared_case):
    client = password_only(world.lead_practitioner)
    _token, key = api_token_create(membership=world.lead_practitioner, name="Integration")
    response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert shared_case.reference in response.content.decode()
    # A token is an API credential: it does not turn a password-only browser session into a
    # verified one for the web pages.
    response = client.get(reverse("cases:my-work"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor-verify"))


def test_a_token_alone_still_works(world, shared_case):
    response = api_client_for(world.lead_practitioner).get("/api/v1/cases/")
    assert response.status_code == 200
    assert shared_case.reference in response.content.decode()


def test_a_verified_session_still_uses_the_api(world, shared_case):
    client = client_for(world.lead_practitioner)
    enrol(client)  # enrolling verifies this session
    response = client.get("/api/v1/cases/")
    assert response.status_code == 200
    assert shared_case.reference in response.content.decode()


def test_a_session_without_a_device_uses_the_api_when_two_factor_is_optional(world, shared_case):
    client = client_for(world.lead_practitioner)
    assert client.get("/api/v1/cases/").status_code == 200


@override_settings(WRAPAROUND_REQUIRE_2FA=True)
def test_when_two_factor_is_required_an_unenrolled_session_cannot_use_the_api(world,
                                                                            shared_case):
    client = client_for(world.lead_practitioner)
    response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION="Bearer x")
    assert response.status_code == 401
    assert shared_case.reference not in response.content.decode()
    page = client.get(reverse("cases:my-work"), HTTP_AUTHORIZATION="Bearer x")
    assert page.status_code == 302 and page["Location"] == reverse("accounts:two-factor-setup")
