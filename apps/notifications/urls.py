from django.urls import path

from apps.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_index, name="list"),
    path("read-all/", views.notification_read_all, name="read-all"),
    path("preference/", views.preference_set, name="preference"),
    path("<uuid:notification_id>/read/", views.notification_read, name="read"),
]
