from django.conf import settings
from django.http import HttpRequest

from riia.navigation import navigation_for


def service(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "navigation": navigation_for(user, request.path) if user is not None else [],
    }
