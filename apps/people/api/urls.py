from rest_framework.routers import SimpleRouter

from apps.people.api.views import PersonViewSet

router = SimpleRouter()
router.register("people", PersonViewSet, basename="person")
urlpatterns = router.urls
