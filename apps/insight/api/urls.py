from django.urls import path

from apps.insight.api.views import EqualityView, FunnelView, MaracReturnView

urlpatterns = [
    path("reports/funnel/", FunnelView.as_view(), name="api-report-funnel"),
    path("reports/equality/", EqualityView.as_view(), name="api-report-equality"),
    path("reports/marac-return/", MaracReturnView.as_view(), name="api-report-marac-return"),
]
