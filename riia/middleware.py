"""The service's own middleware, each small: which proxy to believe, the request-size policy, the
Permissions-Policy header, and the sliding idle timeout of a signed-in session."""

import ipaddress
import time
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

Handler = Callable[[HttpRequest], HttpResponse]


# --- Trusted proxy --------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def _is_trusted_proxy(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    return address is not None and any(address in net for net in _networks(tuple(settings.RIIA_TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str | None:
    """Where a request came from: the peer's address, or, when the peer is one of our proxies, the
    nearest address in X-Forwarded-For that is not (the ones further left could be made up)."""
    remote = request.META.get("REMOTE_ADDR")
    if not _is_trusted_proxy(_address(remote)):
        return remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            return remote
        if not _is_trusted_proxy(address):
            return str(address)
    return remote


class TrustedProxyMiddleware:
    """Anyone can send X-Forwarded-Proto (which Django believes through SECURE_PROXY_SSL_HEADER) and
    X-Forwarded-For: keep them only on requests that come from a proxy in RIIA_TRUSTED_PROXIES."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _is_trusted_proxy(_address(request.META.get("REMOTE_ADDR"))):
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
            request.META.pop("HTTP_X_FORWARDED_FOR", None)
        return self.get_response(request)


# --- Request size ---------------------------------------------------------------------------


def request_max_bytes(path: str) -> int:
    """The largest body accepted at ``path``: the longest matching prefix's limit, or the default."""
    by_path = settings.RIIA_REQUEST_MAX_BYTES_BY_PATH
    matching = [prefix for prefix in by_path if path.startswith(prefix)]
    return by_path[max(matching, key=len)] if matching else settings.RIIA_REQUEST_MAX_BYTES


def _in_words(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


class RequestSizeLimitMiddleware:
    """Refuse, with 413, a request whose declared length is over its path's limit, before anything
    reads (and spools) its body. A body sent without Content-Length is not read by Django at all."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = request_max_bytes(request.path_info)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= limit:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            message = f"The request body is {length} bytes; the largest accepted here is {limit} bytes."
            return JsonResponse({"errors": [{"field": None, "message": message}]}, status=413)
        return render(request, "413.html", {"limit": _in_words(limit)}, status=413)


class ApiNotFoundMiddleware:
    """Under ``/api/``, Django's own 404 (an address no API view matches, such as
    ``/api/v1/placements/uploads/x/`` or a reference that is not one) in the API's error format, as
    the API views answer their own 404s: an API client parses the body whatever the status, and
    would get a page of HTML (in debug, Django's technical 404) instead."""

    MESSAGE = "Not found. Check the address, or you may not have access to it."

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path_info.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return JsonResponse({"errors": [{"field": None, "message": self.MESSAGE}]}, status=404)
        return response


# --- Permissions-Policy ---------------------------------------------------------------------


class PermissionsPolicyMiddleware:
    """Tell the browser that no page of the service uses the camera, microphone, location and the like."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.RIIA_PERMISSIONS_POLICY)
        return response


# --- Idle timeout ---------------------------------------------------------------------------

_REFRESHED_AT = "riia_refreshed_at"


def session_refresh(request: HttpRequest) -> int:
    """Restart the idle time; the session is saved with a new expiry (SESSION_COOKIE_AGE from now)."""
    request.session[_REFRESHED_AT] = int(time.time())
    return settings.SESSION_COOKIE_AGE


def session_expires_in(request: HttpRequest) -> int:
    """Seconds until this session ends if nothing more is done."""
    refreshed = request.session.get(_REFRESHED_AT)
    if refreshed is None:
        return settings.SESSION_COOKIE_AGE
    return max(0, settings.SESSION_COOKIE_AGE - (int(time.time()) - refreshed))


class SessionIdleTimeoutMiddleware:
    """A signed-in session ends SESSION_COOKIE_AGE after it was last used. Each use slides the expiry
    forward, but the session is written at most once every RIIA_SESSION_REFRESH_SECONDS, not on every
    request as SESSION_SAVE_EVERY_REQUEST would."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            refreshed = request.session.get(_REFRESHED_AT, 0)
            if time.time() - refreshed >= settings.RIIA_SESSION_REFRESH_SECONDS:
                session_refresh(request)
        return self.get_response(request)
