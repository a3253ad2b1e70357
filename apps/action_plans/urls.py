from django.urls import path

from apps.action_plans import views

app_name = "action_plans"
urlpatterns = [
    path("cases/<uuid:case_id>/action-plan/", views.plan, name="plan"),
    path("cases/<uuid:case_id>/action-plan/actions/", views.action_new, name="action-new"),
    path("cases/<uuid:case_id>/action-plan/wishes/", views.wishes, name="wishes"),
    path("cases/<uuid:case_id>/action-plan/print/", views.plan_print, name="print"),
    path("actions/<uuid:action_id>/close/", views.action_close, name="close"),
]
