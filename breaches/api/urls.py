from rest_framework.routers import SimpleRouter

from breaches.api.views import BreachRequestViewSet, DecisionViewSet

app_name = "breaches-api"

router = SimpleRouter()
router.register("breach-requests", BreachRequestViewSet, basename="breach-request")
router.register("breach-decisions", DecisionViewSet, basename="breach-decision")
urlpatterns = router.urls
