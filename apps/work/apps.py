from django.apps import AppConfig


class WorkConfig(AppConfig):
    """The daily working surface (issue 13): the work tray, the manager's caseload view,
    escalations, hand-over and workforce figures. Reads other apps' facts; stores nothing."""

    name = "apps.work"
    label = "work"
    default_auto_field = "django.db.models.BigAutoField"
