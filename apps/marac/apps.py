from django.apps import AppConfig


class MaracConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.marac"
    label = "marac"
    verbose_name = "MARAC"
