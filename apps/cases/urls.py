from django.urls import path

from apps.cases import views

app_name = "cases"
urlpatterns = [
    path("cases/", views.my_work, name="my-work"),
    path("cases/<uuid:case_id>/", views.case_detail, name="detail"),
    path("cases/<uuid:case_id>/pick-up/", views.case_pick_up, name="pick-up"),
    path("cases/<uuid:case_id>/edit/", views.case_edit, name="edit"),
    path("cases/<uuid:case_id>/notes/", views.note_add, name="note-add"),
    path("cases/<uuid:case_id>/people/new/", views.person_add, name="person-add"),
    path("cases/<uuid:case_id>/people/link/", views.person_link, name="person-link"),
    path("cases/<uuid:case_id>/involvements/new/", views.involvement_add,
         name="involvement-add"),
    path("cases/<uuid:case_id>/involvements/<uuid:involvement_id>/end/",
         views.involvement_end, name="involvement-end"),
    path("cases/<uuid:case_id>/involvements/<uuid:involvement_id>/key-worker/",
         views.key_worker_set, name="key-worker"),
    path("cases/<uuid:case_id>/involvements/<uuid:involvement_id>/scope/",
         views.involvement_scope, name="involvement-scope"),
]
