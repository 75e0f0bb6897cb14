"""The pre-offer check's rate limit: ``DATARETURNS_CHECKS_PER_MINUTE`` checks a minute per API key,
or per person (the page and a signed-in API call share the person's count). Over it, the API
answers 429 with ``Retry-After`` (DRF's throttling, counting in the Django cache) and the page a
GOV.UK "too many checks" page with the same header."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PlacementCheckThrottle(SimpleRateThrottle):
    scope = "placement_checks"

    def get_rate(self) -> str:
        # Read when each request is throttled, not at import: a deployment (or a test) may change it.
        return f"{settings.DATARETURNS_CHECKS_PER_MINUTE}/min"

    def get_cache_key(self, request, view) -> str:
        api_key = getattr(request.user, "api_key", None)
        ident = f"key:{api_key.pk}" if api_key is not None else f"user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


def check_wait(request) -> int | None:
    """For the page: None when this person may check now; otherwise the seconds to wait."""
    throttle = PlacementCheckThrottle()
    if throttle.allow_request(request, None):
        return None
    return max(1, int(throttle.wait() or 1))
