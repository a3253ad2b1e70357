from django.urls import path

from apps.records import views

app_name = "records"
urlpatterns = [
    path("records/subject-access/", views.sar_list, name="sar-list"),
    path("records/subject-access/new/", views.sar_open, name="sar-open"),
    path("records/subject-access/<uuid:sar_id>/", views.sar_detail, name="sar-detail"),
    path("records/subject-access/<uuid:sar_id>/bundle/", views.sar_bundle, name="sar-bundle"),
]
urlpatterns += [
    path("records/retention/", views.retention, name="retention"),
    path("records/retention/<uuid:review_id>/", views.retention_review,
         name="retention-review"),
]
urlpatterns += [
    path("records/people/<uuid:person_id>/correct/", views.person_correct,
         name="person-correct"),
    path("records/rights-requests/", views.rights_requests, name="rights-requests"),
    path("records/rights-requests/<uuid:request_id>/", views.rights_request,
         name="rights-request"),
]
