from rest_framework.routers import SimpleRouter

from apps.action_plans.api.views import ActionViewSet

router = SimpleRouter()
router.register("actions", ActionViewSet, basename="action")
urlpatterns = router.urls
