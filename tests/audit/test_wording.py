"""The access log in plain words and case references (issue 16), not raw codes and ids."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from apps.audit import wording
from apps.audit.models import AccessEvent
from tests.conftest import client_for
from tests.marac.helpers import make_marac, meeting

pytestmark = pytest.mark.django_db


def test_codes_become_words():
    assert wording.what(action="view_basis", object_type="case") == (
        "Checked why they can see the case record")
    assert wording.what(action="view", object_type="marac_pack") == (
        "Viewed the MARAC meeting pack")
    assert wording.what(action="frobnicate", object_type="new_thing") == "Frobnicate new thing"
    assert wording.basis("partner involvement") == "Partner agency on the case"
    unknown = f"MARAC meeting {uuid.uuid4()}"
    assert wording.basis(unknown) == "MARAC meeting"


def test_the_access_log_shows_words_meetings_and_case_references(world, shared_case):
    marac = make_marac(world)
    mtg = meeting(marac=marac)
    client_for(world.lead_practitioner).get(f"/cases/{shared_case.pk}/why/")
    # An older row recorded the meeting by id.
    AccessEvent.objects.create(user=world.lead_practitioner.user, agency=world.lead,
                               object_type="marac_pack", object_id=shared_case.pk,
                               case_id=shared_case.pk, action="view",
                               basis=f"MARAC meeting {mtg.pk}")
    page = client_for(world.lead_admin).get(reverse("audit:access-log")).content.decode()
    assert "Checked why they can see the case record" in page
    assert "Viewed the MARAC meeting pack" in page
    assert f"MARAC meeting, {mtg}" in page and str(mtg.pk) not in page
    assert "view_basis" not in page and "Lead agency on the case" in page
    assert f'<span class="app-nowrap">{shared_case.reference}</span>' in page
