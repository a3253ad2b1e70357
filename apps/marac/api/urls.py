from rest_framework.routers import SimpleRouter

from apps.marac.api.views import (
    AGENDA_PREFIX,
    AgendaItemViewSet,
    MaracReferralViewSet,
    MeetingViewSet,
    RiskChecklistViewSet,
)

router = SimpleRouter()
router.register("risk-checklists", RiskChecklistViewSet, basename="risk-checklist")
router.register("marac/referrals", MaracReferralViewSet, basename="marac-referral")
router.register("marac/meetings", MeetingViewSet, basename="marac-meeting")
router.register(AGENDA_PREFIX, AgendaItemViewSet, basename="marac-agenda-item")
urlpatterns = router.urls
