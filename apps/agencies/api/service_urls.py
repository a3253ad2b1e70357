from rest_framework.routers import SimpleRouter

from apps.agencies.api.service_views import ServiceViewSet

router = SimpleRouter()
router.register("services", ServiceViewSet, basename="service")
urlpatterns = router.urls
