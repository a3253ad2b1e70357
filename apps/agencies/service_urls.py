from django.urls import path

from apps.agencies import service_views

app_name = "services"
urlpatterns = [
    path("", service_views.service_directory, name="list"),
    path("mine/", service_views.service_mine, name="mine"),
    path("new/", service_views.service_new, name="new"),
    path("<uuid:service_id>/", service_views.service_detail, name="detail"),
    path("<uuid:service_id>/edit/", service_views.service_edit, name="edit"),
]
