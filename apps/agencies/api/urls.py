from rest_framework.routers import SimpleRouter

from apps.agencies.api.views import AgencyViewSet

router = SimpleRouter()
router.register("agencies", AgencyViewSet, basename="agency")
urlpatterns = router.urls
