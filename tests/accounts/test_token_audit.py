"""Issue 11 item 5: creating and revoking an API token writes an audit row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.accounts.models import ApiToken
from apps.accounts.services import api_token_create, api_token_revoke
from apps.audit.models import AccessEvent
from apps.core.exceptions import NotPermitted
from tests.conftest import client_for
from tests.factories import actor_of

pytestmark = pytest.mark.django_db


def rows(token: ApiToken, action: str) -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(object_type="api_token", object_id=token.pk,
                                           action=action))


def test_creating_and_revoking_a_token_on_the_profile_page_is_audited(world):
    membership = world.partner_practitioner
    client = client_for(membership)
    response = client.post(reverse("accounts:profile"), {"name": "Case system",
                                                         "membership": str(membership.pk)})
    assert response.status_code == 200
    token = ApiToken.objects.get(membership=membership)
    [row] = rows(token, "create")
    assert (row.user_id, row.agency_id, row.channel) == (membership.user_id, world.partner.pk,
                                                         "ui")
    assert client.post(reverse("accounts:token-revoke", args=[token.pk])).status_code == 302
    [row] = rows(token, "revoke")
    assert row.user_id == membership.user_id
    # Revoking again changes nothing and writes nothing.
    client.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert len(rows(token, "revoke")) == 1


def test_tokens_of_someone_else_are_refused_and_not_audited(world):
    intruder = actor_of(world.lead_practitioner)
    with pytest.raises(NotPermitted):
        api_token_create(actor=intruder, membership=world.partner_practitioner, name="Mine now")
    assert not ApiToken.objects.exists()
    token, _key = api_token_create(membership=world.partner_practitioner, name="System")
    with pytest.raises(NotPermitted):
        api_token_revoke(actor=intruder, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None and rows(token, "revoke") == []
    assert len(rows(token, "create")) == 1  # the system's creation


def test_someone_elses_token_answers_404_on_the_page(world):
    token, _key = api_token_create(membership=world.partner_practitioner, name="System")
    response = client_for(world.lead_practitioner).post(
        reverse("accounts:token-revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None and rows(token, "revoke") == []
