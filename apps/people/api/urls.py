from rest_framework.routers import SimpleRouter

from apps.people.api.identity import PersonLinkViewSet, PersonMergeViewSet
from apps.people.api.views import PersonViewSet

router = SimpleRouter()
router.register("people", PersonViewSet, basename="person")
router.register("person-links", PersonLinkViewSet, basename="person-link")
router.register("person-merges", PersonMergeViewSet, basename="person-merge")
urlpatterns = router.urls
