from django.apps import AppConfig


class InsightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.insight"
    label = "insight"
    verbose_name = "Insight (reports)"
