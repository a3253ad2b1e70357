urlpatterns: list = []

# Referrals, services directory and notifications (issue 3).
from django.urls import include, path  # noqa: E402

urlpatterns += [
    path("", include("apps.agencies.api.service_urls")),
    path("", include("apps.referrals.api.urls")),
    path("", include("apps.notifications.api.urls")),
]

# Foundation: agencies directory, people, cases with notes and involvements (issue h3).
urlpatterns += [
    path("", include("apps.agencies.api.urls")),
    path("", include("apps.people.api.urls")),
    path("", include("apps.cases.api.urls")),
]
