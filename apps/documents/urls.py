from django.urls import path

from apps.documents import views

app_name = "documents"
urlpatterns = [
    path("cases/<uuid:case_id>/documents/", views.document_list, name="list"),
    path("cases/<uuid:case_id>/documents/<uuid:document_id>/download/",
         views.document_download, name="download"),
]
