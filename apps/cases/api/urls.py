from rest_framework.routers import SimpleRouter

from apps.cases.api.views import CaseNoteViewSet, CaseViewSet, InvolvementViewSet
from apps.core.api.viewsets import UUID_REGEX

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")
router.register(rf"cases/(?P<case_id>{UUID_REGEX})/notes", CaseNoteViewSet,
                basename="case-note")
router.register(rf"cases/(?P<case_id>{UUID_REGEX})/involvements", InvolvementViewSet,
                basename="case-involvement")
urlpatterns = router.urls
