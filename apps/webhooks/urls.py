from django.urls import path

from apps.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("new/", views.endpoint_new, name="new"),
    path("<uuid:webhook_id>/", views.endpoint_edit, name="edit"),
    path("<uuid:webhook_id>/secret/", views.endpoint_rotate, name="rotate"),
    path("<uuid:webhook_id>/test/", views.endpoint_test, name="test"),
    path("<uuid:webhook_id>/deliveries/", views.delivery_list, name="deliveries"),
    path("<uuid:webhook_id>/deliveries/<uuid:delivery_id>/send-again/", views.delivery_resend,
         name="resend"),
]
