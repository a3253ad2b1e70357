from django.urls import path

from apps.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create_view, name="create"),
    path("<uuid:person_id>/", views.person_detail, name="detail"),
    path("<uuid:person_id>/open-case/", views.person_open_case, name="open-case"),
    path("<uuid:person_id>/same-person/", views.same_person, name="same-person"),
    path("<uuid:person_id>/same-person/<uuid:other_id>/", views.same_person_decide,
         name="same-person-decide"),
    path("links/<uuid:link_id>/undo/", views.person_unlink_view, name="unlink"),
]
