from django.contrib import admin

from apps.marac.models import MaracArea


@admin.register(MaracArea)
class MaracAreaAdmin(admin.ModelAdmin):
    """MARAC areas are configured by a superuser: thresholds, members and coordinator."""

    list_display = ["name", "coordinating_agency", "meeting_frequency_days",
                    "escalation_threshold", "repeat_window_months", "manager_signoff_required"]
    filter_horizontal = ["member_agencies"]
