"""One-click reassign of missing MARAC research (issue 13): research belongs to the agency and
waits in the tray of its key worker on the case, so reassigning sets that key worker; the
agency's managers only, everyone else 404 and nothing changes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AccessEvent
from apps.cases.models import Involvement
from apps.marac.models import Meeting, Research
from apps.work.selectors import tray
from tests.conftest import client_for
from tests.factories import actor_of, make_member
from tests.marac.helpers import listed, make_marac
from tests.work.helpers import make_quiet

pytestmark = pytest.mark.django_db


def _missing_research(world, shared_case):
    marac = make_marac(world)
    _ref, meeting, item = listed(world=world, marac=marac, case=shared_case)
    Meeting.objects.filter(pk=meeting.pk).update(
        research_due_at=timezone.now() - datetime.timedelta(hours=1))
    make_quiet(shared_case, agency=world.partner, user=world.partner_practitioner.user, days=0)
    return Research.objects.get(item=item, agency=world.partner)


def _key_worker(world, case):
    return Involvement.objects.get(case=case, agency=world.partner,
                                   ended_at__isnull=True).key_worker_id


def test_manager_reassigns_missing_research_in_one_click(world, shared_case):
    research = _missing_research(world, shared_case)
    colleague = make_member(agency=world.partner)
    client = client_for(world.partner_manager)
    page = client.get(reverse("work:caseload")).content.decode()
    url = reverse("work:research-reassign", args=[research.pk])
    assert url in page
    response = client.post(url, {"user": colleague.user_id})
    assert response.status_code == 302
    assert _key_worker(world, shared_case) == colleague.user_id
    assert tray(actor=actor_of(colleague)).count("research") == 1
    assert tray(actor=actor_of(world.partner_practitioner)).count("research") == 0
    assert AccessEvent.objects.filter(action="assign", object_type="involvement").exists()


def test_research_reassign_is_404_to_others_and_changes_nothing(world, shared_case):
    research = _missing_research(world, shared_case)
    url = reverse("work:research-reassign", args=[research.pk])
    before = _key_worker(world, shared_case)
    events = AccessEvent.objects.count()
    for member in (world.partner_practitioner, world.lead_manager, world.outsider_manager):
        response = client_for(member).post(url, {"user": member.user_id})
        assert response.status_code == 404
    # Someone of another agency cannot be chosen.
    response = client_for(world.partner_manager).post(
        url, {"user": world.outsider_practitioner.user_id})
    assert response.status_code == 302
    assert _key_worker(world, shared_case) == before
    assert AccessEvent.objects.count() == events
