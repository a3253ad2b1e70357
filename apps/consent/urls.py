from django.urls import path

from apps.consent import views

app_name = "consent"
urlpatterns = [
    path("sharing/", views.sharing_home, name="home"),
    path("sharing/policy/", views.sharing_policy, name="policy"),
    path("sharing/agreements/new/", views.dsa_new, name="dsa-new"),
    path("sharing/agreements/<uuid:agreement_id>/", views.dsa_detail, name="dsa-detail"),
    path("sharing/agreements/<uuid:agreement_id>/sign/", views.dsa_sign, name="dsa-sign"),
    path("sharing/agreements/<uuid:agreement_id>/terminate/", views.dsa_terminate,
         name="dsa-terminate"),
    path("sharing/people/<uuid:person_id>/consents/", views.person_consents,
         name="person-consents"),
    path("sharing/consents/<uuid:consent_id>/", views.consent_detail, name="consent-detail"),
    path("sharing/emergency-access/", views.emergency_access, name="emergency-access"),
    path("cases/<uuid:case_id>/why/", views.case_why, name="case-why"),
]
