from rest_framework.routers import SimpleRouter

from apps.records.api.views import SubjectAccessRequestViewSet

router = SimpleRouter()
router.register("subject-access-requests", SubjectAccessRequestViewSet,
                basename="subject-access-request")
urlpatterns = router.urls
