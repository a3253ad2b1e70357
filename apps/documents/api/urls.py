from rest_framework.routers import SimpleRouter

from apps.core.api.viewsets import UUID_REGEX
from apps.documents.api.views import DocumentViewSet

router = SimpleRouter()
router.register(rf"cases/(?P<case_id>{UUID_REGEX})/documents", DocumentViewSet,
                basename="case-document")
urlpatterns = router.urls
