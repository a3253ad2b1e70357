from django.urls import path

from apps.work import views

app_name = "work"
urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/teams/", views.caseload_teams, name="caseload-teams"),
    path("caseload/actions/<uuid:action_id>/reassign/", views.action_reassign,
         name="action-reassign"),
    path("caseload/research/<uuid:research_id>/reassign/", views.research_reassign,
         name="research-reassign"),
    path("caseload/hand-over/<uuid:membership_id>/", views.handover, name="handover"),
    path("caseload/workforce/", views.workforce_page, name="workforce"),
    path("caseload/workforce.csv", views.workforce_csv, name="workforce-csv"),
]
