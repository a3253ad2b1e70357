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

# Lawful sharing: consents, sharing bases, DSAs, "why can I see this", emergency access (h8).
urlpatterns += [path("", include("apps.consent.api.urls"))]

# MARAC (risk checklists, MARAC referrals, meetings, agenda items, research) and actions (issue 5).
urlpatterns += [
    path("", include("apps.marac.api.urls")),
    path("", include("apps.action_plans.api.urls")),
]

# Records: documents on a case (issue 18).
urlpatterns += [path("", include("apps.documents.api.urls")),
                path("", include("apps.records.api.urls"))]
# Insight: the referral funnel, equality monitoring and the MARAC data return (issue 14).
urlpatterns += [path("", include("apps.insight.api.urls"))]
# Webhooks: an agency admin's endpoints and their delivery logs (issue 15).
urlpatterns += [path("", include("apps.webhooks.api.urls"))]
# The working surface: the work tray, caseloads and escalations (issue 13).
urlpatterns += [path("", include("apps.work.api.urls"))]
