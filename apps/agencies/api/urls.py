from rest_framework.routers import SimpleRouter

from apps.agencies.api.team_views import TeamViewSet
from apps.agencies.api.views import AgencyViewSet

router = SimpleRouter()
router.register("agencies", AgencyViewSet, basename="agency")
router.register("teams", TeamViewSet, basename="team")
urlpatterns = router.urls
