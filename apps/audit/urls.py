from django.urls import path

from apps.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/access-log/", views.access_log, name="access-log"),
    path("cases/<uuid:case_id>/access/", views.case_access, name="case-access"),
]
