from django.urls import path

from apps.agencies import team_views, views

app_name = "agencies"
urlpatterns = [
    path("staff/", views.members, name="members"),
    path("staff/new/", views.member_add, name="member-add"),
    path("staff/existing/", views.member_request, name="member-request"),
    path("teams/", team_views.teams, name="teams"),
    path("teams/<uuid:team_id>/", team_views.team_detail, name="team-detail"),
    path("secondments/", views.secondments, name="secondments"),
    path("staff/<uuid:membership_id>/role/", views.member_role, name="member-role"),
    path("staff/<uuid:membership_id>/end/", views.member_end, name="member-end"),
]
