from django.urls import path

from apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("switch-agency/", views.switch_agency, name="switch-agency"),
    path("profile/", views.profile, name="profile"),
    path("two-factor/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", views.two_factor_verify_view, name="two-factor-verify"),
    path("two-factor/backup-codes/", views.backup_codes, name="two-factor-backup-codes"),
    path("two-factor/remove/", views.two_factor_remove_view, name="two-factor-remove"),
    path("profile/tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token-revoke"),
]
