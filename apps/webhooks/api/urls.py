from rest_framework.routers import SimpleRouter

from apps.core.api.viewsets import UUID_REGEX
from apps.webhooks.api.views import WebhookDeliveryViewSet, WebhookEndpointViewSet

router = SimpleRouter()
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
router.register(rf"webhooks/(?P<webhook_id>{UUID_REGEX})/deliveries", WebhookDeliveryViewSet,
                basename="webhook-delivery")
urlpatterns = router.urls
