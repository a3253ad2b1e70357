from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.work.api.views import CaseloadViewSet, WorkTrayView

router = SimpleRouter()
router.register("caseload", CaseloadViewSet, basename="caseload")
urlpatterns = [
    path("work/", WorkTrayView.as_view(), name="work-tray"),
    *router.urls,
]
