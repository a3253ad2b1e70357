from django.urls import path

from apps.interop.oruk import import_views

app_name = "oruk_import"
urlpatterns = [
    path("", import_views.import_list, name="list"),
    path("<uuid:staged_id>/", import_views.import_review, name="review"),
    path("<uuid:staged_id>/apply/", import_views.import_apply, name="apply"),
    path("<uuid:staged_id>/reject/", import_views.import_reject, name="reject"),
]
