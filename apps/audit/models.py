from __future__ import annotations

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    UI = "ui", "Web"
    API = "api", "API"
    SYSTEM = "system", "System"


class AccessEvent(models.Model):
    """Who read or changed which case-data object, when, through which basis. Append-only."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             null=True, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True,
                               related_name="+")
    object_type = models.CharField(max_length=40)
    object_id = models.UUIDField()
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", db_constraint=False)
    action = models.CharField(max_length=40)
    basis = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.UI)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["case", "-at"], name="access_case_at"),
            models.Index(fields=["object_type", "object_id"], name="access_object"),
        ]
