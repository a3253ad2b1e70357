"""The events an endpoint may choose, and who hears each (docs/api.md, "Webhooks").

A payload carries ids and event names only, never personal data: the receiver fetches the
details through the API with its own token, under the same permissions as everyone else."""

from __future__ import annotations

from django.db import models


class Event(models.TextChoices):
    REFERRAL_RECEIVED = "referral.received", "Referral received (sent to your agency)"
    REFERRAL_DECIDED = "referral.decided", "Referral decided (accepted or declined)"
    REFERRAL_COMPLETED = "referral.completed", "Referral completed"
    ACTION_DUE = "action.due", "Action due (owned by your agency)"
    MARAC_LISTED = "marac.listed", "MARAC listing (a case listed at a meeting you attend)"


# Sent only by "Send test event"; nobody subscribes to it.
TEST_EVENT = "webhook.test"
