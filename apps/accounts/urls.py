from django.urls import path

from apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("switch-agency/", views.switch_agency, name="switch-agency"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token-revoke"),
]
