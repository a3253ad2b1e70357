from django.urls import path

from apps.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create_view, name="create"),
    path("<uuid:person_id>/", views.person_detail, name="detail"),
    path("<uuid:person_id>/open-case/", views.person_open_case, name="open-case"),
]
