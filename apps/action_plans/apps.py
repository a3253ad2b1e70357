from django.apps import AppConfig


class ActionPlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.action_plans"
    label = "action_plans"
    verbose_name = "Action plans"
