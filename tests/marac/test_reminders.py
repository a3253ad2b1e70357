from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from apps.marac import services
from apps.marac.models import Research
from apps.marac.reminders import research_reminders
from apps.notifications.models import Notification
from tests.factories import actor_of
from tests.marac.helpers import listed, make_marac

pytestmark = pytest.mark.django_db


def test_research_reminders_once_per_stage_and_not_after_submission(world, shared_case):
    marac = make_marac(world)
    _ref, mtg, item = listed(world=world, marac=marac, case=shared_case)
    services.research_submit(actor=actor_of(world.lead_practitioner),
                             research=Research.objects.get(item=item, agency=world.lead),
                             text="Police history.")
    early = mtg.research_due_at - datetime.timedelta(days=3)
    assert research_reminders(now=early) == {"reminder": 0, "deadline": 0}
    day_before = mtg.research_due_at - datetime.timedelta(hours=20)
    assert research_reminders(now=day_before) == {"reminder": 1, "deadline": 0}
    assert research_reminders(now=day_before) == {"reminder": 0, "deadline": 0}
    late = mtg.research_due_at + datetime.timedelta(minutes=1)
    assert research_reminders(now=late) == {"reminder": 0, "deadline": 1}
    assert research_reminders(now=late) == {"reminder": 0, "deadline": 0}
    reminded = set(Notification.objects.filter(kind__startswith="marac_research_").values_list(
        "recipient_id", flat=True))
    assert world.partner_practitioner.user_id in reminded
    assert world.lead_practitioner.user_id not in reminded  # the police had replied
    assert marac.coordinator.user_id in reminded
    assert all(shared_case.subject.family_name not in n.title
               for n in Notification.objects.all())
    assert timezone.now()
