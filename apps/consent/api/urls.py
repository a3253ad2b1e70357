from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.consent.api.views import (
    AgreementViewSet,
    CaseWhyView,
    ConsentViewSet,
    EmergencyAccessViewSet,
    SharingBasisViewSet,
)

router = SimpleRouter()
router.register("consents", ConsentViewSet, basename="consent")
router.register("sharing-bases", SharingBasisViewSet, basename="sharing-basis")
router.register("sharing-agreements", AgreementViewSet, basename="sharing-agreement")
router.register("emergency-accesses", EmergencyAccessViewSet, basename="emergency-access")
urlpatterns = [
    path("cases/<uuid:case_id>/why/", CaseWhyView.as_view(), name="case-why"),
    *router.urls,
]
