from django.apps import AppConfig


class InteropConfig(AppConfig):
    """The standards Wraparound speaks: Open Referral UK (``oruk``) and FHIR R4 (``fhir``)."""

    name = "apps.interop"
    label = "interop"
    default_auto_field = "django.db.models.BigAutoField"
