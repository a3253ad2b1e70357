import uuid

from django.db import models


class UUIDModel(models.Model):
    """Base for every domain model: a UUID primary key, so identifiers in URLs reveal nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class TimestampedModel(UUIDModel):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
