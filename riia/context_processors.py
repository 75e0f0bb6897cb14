from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from riia.middleware import session_expires_in
from riia.navigation import navigation_for


def service(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "navigation": navigation_for(user, request.path) if user is not None else [],
    }


def session_timeout(request: HttpRequest) -> dict:
    """For the "you're about to be signed out" warning (static/js/session-timeout.js)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_expires_in": session_expires_in(request),
        "session_warning_seconds": settings.RIIA_SESSION_WARNING_SECONDS,
    }


def help_contacts(request: HttpRequest) -> dict:
    """Who a signed-in person contacts for help: each of their regions' help contact (set in the
    admin), for the footer. Read only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def contacts() -> list[tuple[str, str]]:
        from riia.rules import member_help_contacts

        return member_help_contacts(user)

    return {"help_contacts": SimpleLazyObject(contacts)}
