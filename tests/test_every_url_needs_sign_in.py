"""Every page and API route of the service sends an anonymous visitor to sign in (or, for the JSON API,
answers 401/403), except sign-in itself. New routes are covered automatically."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Sign-in, the password reset journey and the footer's pages are for people not (yet) signed in.
PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "accessibility",
    "privacy",
    "cookies",
}
SAMPLE_ARGS = {"int": "1", "slug": "sample", "str": "sample", "uuid": "00000000-0000-0000-0000-000000000000"}


def _routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue  # the Django admin has its own sign-in and staff check
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name not in PUBLIC:
            yield entry.name, prefix + str(entry.pattern)


def _sample_path(route: str) -> str:
    """A concrete path for a route: path converters and regex groups (DRF routers) get sample values."""
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "BR-100-00001", route)
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_ARGS.get(m.group(1) or "str", "sample"), path)
    return "/" + path.replace("^", "").replace("$", "")


ROUTES = sorted(set(_routes(get_resolver().url_patterns)), key=lambda r: r[1])


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[r[1] or "/" for r in ROUTES])
def test_anonymous_visitor_is_refused(client, name, route):
    response = client.get(_sample_path(route))

    if route.startswith("api/v1/"):
        assert response.status_code in (401, 403), route
    else:
        assert response.status_code == 302, route
        assert response.url.startswith("/sign-in/"), route
