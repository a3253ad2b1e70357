"""API tokens: the DRF authentication class and the create_api_token command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from apps.accounts.authentication import MembershipTokenAuthentication
from apps.accounts.models import ApiToken
from apps.accounts.services import api_token_create, api_token_revoke
from apps.agencies.models import Role
from apps.agencies.services import membership_add, membership_end

pytestmark = pytest.mark.django_db


class WhoAmI(APIView):
    """A stand-in endpoint: answers with the acting agency of the token's membership."""

    authentication_classes = [MembershipTokenAuthentication]

    def get(self, request):
        return Response({"user": request.user.username, "agency": request.auth.agency.name,
                         "channel": request.auth.channel})


def call(key: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"} if key else {}
    return WhoAmI.as_view()(APIRequestFactory().get("/api/v1/whoami/", **headers))


def test_token_authenticates_as_its_membership(world):
    membership = world.partner_practitioner
    token, key = api_token_create(membership=membership, name="Case system")
    response = call(key)
    assert response.status_code == 200
    assert response.data == {"user": membership.user.username, "agency": "Safe Haven",
                             "channel": "api"}
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_missing_wrong_revoked_or_ended_tokens_are_refused(world):
    assert call(None).status_code in (401, 403)
    assert call("not-a-key").status_code in (401, 403)
    token, key = api_token_create(membership=world.lead_practitioner, name="Revoked")
    api_token_revoke(token=token)
    assert call(key).status_code in (401, 403)
    _token, key = api_token_create(membership=world.partner_practitioner, name="Ended")
    assert call(key).status_code == 200
    membership_end(actor=None, membership=world.partner_practitioner)
    assert call(key).status_code in (401, 403)


def test_a_secondee_token_acts_for_its_own_membership_only(world):
    second = membership_add(actor=None, user=world.lead_practitioner.user, agency=world.partner,
                            role=Role.PRACTITIONER)
    _token, key = api_token_create(membership=second, name="Second hat")
    assert call(key).data["agency"] == "Safe Haven"


# create_api_token --------------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_command_prints_the_key_once_and_it_works(world):
    username = world.lead_practitioner.user.username
    key, note = run(username, "--name", "Nightly export")
    token = ApiToken.objects.get()
    assert token.name == "Nightly export" and token.membership == world.lead_practitioner
    assert key.startswith(token.prefix) and key not in note
    assert "Northbridge Police" in note
    assert call(key).data["agency"] == "Northbridge Police"


def test_command_needs_agency_when_the_user_has_several(world):
    user = world.lead_practitioner.user
    membership_add(actor=None, user=user, agency=world.partner, role=Role.PRACTITIONER)
    with pytest.raises(CommandError, match="several agencies"):
        run(user.username)
    key, _note = run(user.username, "--agency", "safe haven")
    assert ApiToken.objects.get().membership.agency == world.partner
    assert call(key).data["agency"] == "Safe Haven"
    with pytest.raises(CommandError, match="not an active member"):
        run(user.username, "--agency", "Hearth Homes")


def test_command_errors_without_an_active_membership(world):
    membership_end(actor=None, membership=world.outsider_practitioner)
    with pytest.raises(CommandError, match="no active agency membership"):
        run(world.outsider_practitioner.user.username)
    with pytest.raises(CommandError, match="No user"):
        run("nobody-at-all")
    assert not ApiToken.objects.exists()
