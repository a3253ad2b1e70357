from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.records.api.views import (
    PersonCorrectionViewSet,
    RetentionReviewViewSet,
    RetentionRuleView,
    RightsRequestViewSet,
    SubjectAccessRequestViewSet,
)

router = SimpleRouter()
router.register("subject-access-requests", SubjectAccessRequestViewSet,
                basename="subject-access-request")
router.register("person-corrections", PersonCorrectionViewSet, basename="person-correction")
router.register("rights-requests", RightsRequestViewSet, basename="rights-request")
router.register("retention/reviews", RetentionReviewViewSet, basename="retention-review")
urlpatterns = [path("retention/rule/", RetentionRuleView.as_view(), name="retention-rule"),
               *router.urls]
