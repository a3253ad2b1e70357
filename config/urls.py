from django.contrib import admin
from django.urls import include, path

from apps.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("apps.accounts.urls")),
    path("", include("apps.cases.urls")),
    path("people/", include("apps.people.urls")),
    path("agency/", include("apps.agencies.urls")),
    path("", include("apps.audit.urls")),
    path("", include("apps.marac.urls")),
    path("", include("apps.action_plans.urls")),
    path("", include("apps.referrals.urls")),
    path("", include("apps.consent.urls")),
    path("services/", include("apps.agencies.service_urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("", include("apps.documents.urls")),
    path("", include("apps.records.urls")),
    path("", include("apps.insight.urls")),
    path("", include("apps.work.urls")),
    path("api/", include("config.api_urls")),
    path("oruk/", include("apps.interop.oruk.urls")),
    path("api/fhir/", include("apps.interop.fhir.urls")),
    path("services/import/", include("apps.interop.oruk.import_urls")),
    path("agency/webhooks/", include("apps.webhooks.urls")),
]
