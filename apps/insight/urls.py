from django.urls import path

from apps.insight import views

app_name = "insight"
urlpatterns = [
    path("reports/", views.home, name="home"),
    path("reports/funnel/", views.funnel, name="funnel"),
    path("reports/equality/", views.equality, name="equality"),
    path("reports/equality/about/", views.equality_about, name="equality-about"),
    path("reports/marac-return/", views.marac_return, name="marac-return"),
]
