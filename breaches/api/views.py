"""Read-only breach request API, scoped by the same selectors as the pages."""

from rest_framework import viewsets

from breaches.api.filters import BreachRequestFilter, DecisionFilter
from breaches.api.serializers import BreachRequestSerializer, DecisionSerializer
from breaches.models import BreachRequestStatus, Decision
from breaches.selectors.requests import breach_requests_visible_to


class BreachRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Breach requests you may see: your LA's, your region's once submitted (region staff), and every
    decided request in your region. Looked up by reference, e.g. ``BR-330-00001``."""

    serializer_class = BreachRequestSerializer
    filterset_class = BreachRequestFilter
    lookup_field = "reference"
    lookup_value_regex = "BR-[A-Za-z0-9-]+"

    def get_queryset(self):
        return breach_requests_visible_to(user=self.request.user).order_by("-created_at", "-pk")


class DecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Breach decisions in the regions you belong to, newest first."""

    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    lookup_field = "breach_request__reference"
    lookup_url_kwarg = "reference"
    lookup_value_regex = "BR-[A-Za-z0-9-]+"

    def get_queryset(self):
        visible = breach_requests_visible_to(user=self.request.user).filter(status__in=BreachRequestStatus.decided())
        return (
            Decision.objects.filter(breach_request__in=visible.values("pk"))
            .select_related("breach_request__local_authority", "breach_request__role_grade", "decided_by")
            .order_by("-decided_at", "-pk")
        )
