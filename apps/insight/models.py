"""The nightly summary the reports read (docs/insight.md, "How fresh the figures are").

Three tables of monthly counts, rebuilt together in one transaction by
``apps.insight.summary.summary_refresh`` (beat, nightly; or ``manage.py insight_refresh``):

* ``ReferralMonth``: referrals by month of first submission, referring and receiving agency,
  referring team, receiving service's area, status and decline category.
* ``ReferralDuration``: the same groups' hours from first submission to decision and to first
  recorded contact, as a histogram (bucket, count, sum of hours) so that medians can be taken
  over any combination of groups.
* ``OutcomeMonth``: equality monitoring's counts (all and with the outcome) by month, agencies
  and the person's characteristics, for each outcome.

They hold counts of groups only: no case, person or referral identifier. The agency and team
columns are plain references (no database constraint): the summary never stops an agency or a
team from being changed, and the next refresh catches up."""

from __future__ import annotations

from django.db import models


class SummaryRefresh(models.Model):
    """One completed refresh: the figures on every report page are as of ``computed_at``."""

    computed_at = models.DateTimeField()
    seconds = models.FloatField()
    referral_rows = models.PositiveIntegerField()
    duration_rows = models.PositiveIntegerField()
    outcome_rows = models.PositiveIntegerField()

    class Meta:
        ordering = ["-computed_at"]
        get_latest_by = "computed_at"


def _agency(**kwargs) -> models.ForeignKey:
    return models.ForeignKey("agencies.Agency", on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+", **kwargs)


def _team() -> models.ForeignKey:
    return models.ForeignKey("agencies.Team", on_delete=models.DO_NOTHING, db_constraint=False,
                             null=True, related_name="+")


class ReferralMonth(models.Model):
    month = models.DateField()
    from_agency = _agency()
    to_agency = _agency()
    from_team = _team()
    area = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=16)
    decline_category = models.CharField(max_length=20, blank=True)
    referrals = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["from_agency", "month"], name="insight_rm_from"),
                   models.Index(fields=["to_agency", "month"], name="insight_rm_to")]


class DurationMeasure(models.TextChoices):
    DECISION = "decision", "Hours from first submission to decision"
    CONTACT = "contact", "Hours from first submission to first recorded contact"


class ReferralDuration(models.Model):
    month = models.DateField()
    from_agency = _agency()
    to_agency = _agency()
    from_team = _team()
    area = models.CharField(max_length=100, blank=True)
    measure = models.CharField(max_length=10, choices=DurationMeasure.choices)
    bucket = models.SmallIntegerField(help_text="apps.insight.sql.DURATION_EDGES")
    referrals = models.PositiveIntegerField()
    hours_sum = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["from_agency", "month"], name="insight_rd_from"),
                   models.Index(fields=["to_agency", "month"], name="insight_rd_to")]


class OutcomeMonth(models.Model):
    """``agency``: the referring agency (referrals, MARAC referrals) or the owner (actions);
    ``other_agency``: the receiving agency of a referral, else empty."""

    outcome = models.CharField(max_length=10)
    month = models.DateField()
    agency = _agency()
    other_agency = _agency(null=True)
    from_team = _team()
    area = models.CharField(max_length=100, blank=True)
    ethnic_group = models.CharField(max_length=12)
    gender = models.CharField(max_length=20)
    age = models.CharField(max_length=12)
    disabled = models.CharField(max_length=12)
    sexual_orientation = models.CharField(max_length=12)
    total = models.PositiveIntegerField()
    achieved = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["outcome", "agency", "month"], name="insight_om_agency"),
                   models.Index(fields=["outcome", "other_agency", "month"],
                                name="insight_om_other")]
