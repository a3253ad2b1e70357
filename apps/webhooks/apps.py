from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed webhooks: an agency admin's endpoints and the delivery outbox (docs/api.md)."""

    name = "apps.webhooks"
    label = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"
