"""Every URL pattern of the service, for every role, with their own region's objects and another's,
GET and POST, against the one table in tests/access_matrix.py (read its docstring for what
"allowed" and "refused" mean). A URL pattern missing from the table fails."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.messages import constants, get_messages
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_matrix import ACCESS, NOT_OFFERED, Own, Row
from tests.access_world import ANONYMOUS, ROLES, World, build_world

ALLOWED, REFUSED, NOT_THERE, ERROR = "allowed", "refused", "405 not offered", "error"


def url_patterns(patterns=None, prefix: str = "", namespace: str = "") -> dict[str, str]:
    """Every URL pattern as {key: route}; the key is ``namespace:name``, or the route when unnamed."""
    found: dict[str, str] = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            found |= url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            found[f"{namespace}{entry.name}" if entry.name else route] = route
    return found


PATTERNS = url_patterns()
UNNAMED = {key for key, route in PATTERNS.items() if key == route}


def test_every_url_pattern_is_in_the_table():
    missing = sorted(set(PATTERNS) - set(ACCESS))
    assert not missing, "\n".join(
        f"URL name {key} ({PATTERNS[key]}) is not in tests/access_matrix.py: say who may reach it" for key in missing
    )


def test_every_row_of_the_table_is_a_url_pattern():
    stale = sorted(set(ACCESS) - set(PATTERNS))
    assert not stale, f"rows for URLs that no longer exist, remove them from tests/access_matrix.py: {stale}"


def _rows(key: str) -> tuple[Row, ...]:
    rows = ACCESS[key]
    return rows if isinstance(rows, tuple) else (rows,)


@pytest.mark.parametrize("key", sorted(ACCESS))
def test_row_is_well_formed(key):
    for row in _rows(key):
        for rule in (row.get, row.post):
            if row.sided:
                assert rule is NOT_OFFERED or isinstance(rule, Own), f"{key}: a row with an object needs own(...)"
            else:
                assert rule is NOT_OFFERED or isinstance(rule, frozenset), f"{key}: own(...) needs an obj or query"


# --- The world, signed in once per role ---------------------------------------------------------


@dataclass
class SignedInWorld:
    world: World
    session_cookies: dict[str, str]


@pytest.fixture(scope="module")
def signed_in_world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end; each test and
    each request inside it runs in a savepoint of its own."""
    # Sessions in signed cookies: one query less per request, thousands of times; and fast hashing
    # for the world's people (tests/conftest.py's own fixture lasts one test only).
    fast = override_settings(
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), transaction.atomic(), fast:
        world = build_world()
        cookies = {}
        for role, person in world.people.items():
            client = Client()
            client.force_login(person)
            cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield SignedInWorld(world, cookies)
        transaction.set_rollback(True)


def _path(key: str, kwargs: dict) -> str:
    if key not in UNNAMED:
        return reverse(key, kwargs=kwargs)
    # An unnamed pattern: put the arguments into its route.
    route = PATTERNS[key]
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), route)
    return "/" + route.replace("^", "").replace("$", "")


SIGN_IN_PATHS = {reverse("login"), reverse("admin:login")}
ADMIN_INDEX = reverse("admin:index")


def _asks_to_sign_in(response) -> bool:
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    location = urlsplit(response["Location"])
    return location.path in SIGN_IN_PATHS and "next=" in location.query


def _outcome(client: Client, response, method: str) -> tuple[str, str]:
    """(allowed/refused/..., what was seen) for one response; see tests/access_matrix.py."""
    status = response.status_code
    seen = str(status)
    if _asks_to_sign_in(response):
        return REFUSED, f"{seen} to sign in"
    if status in (401, 403, 404):
        return REFUSED, seen
    if status == 405:
        return NOT_THERE, seen
    if status >= 500:
        return ERROR, seen
    errors = [m.message for m in get_messages(response.wsgi_request) if m.level >= constants.ERROR]
    if method == "POST" and errors:
        return REFUSED, f"{seen} with the message {errors[0]!r}"
    if status in (301, 302, 303, 307, 308):
        target = response["Location"]
        seen += f" to {urlsplit(target).path}"
        # One hop further: the admin sends a non-staff person to its index, which asks them to sign in.
        if urlsplit(target).path == ADMIN_INDEX and _asks_to_sign_in(client.get(target)):
            return REFUSED, f"{seen}, which asks to sign in"
    return ALLOWED, seen


def _expected(rule, role: str, scope: str) -> set[str]:
    if rule is NOT_OFFERED:
        return {REFUSED, NOT_THERE}
    if isinstance(rule, Own):
        return {ALLOWED if role in (rule.own if scope == "own" else rule.other) else REFUSED}
    return {ALLOWED if role in rule else REFUSED}


def _request(session_cookie: str | None, method: str, path: str) -> tuple[str, str]:
    client = Client()
    if session_cookie:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_cookie
    with transaction.atomic():
        try:
            response = client.get(path) if method == "GET" else client.post(path)
            return _outcome(client, response, method)
        except Exception as error:  # noqa: BLE001 - a crash is reported as this cell's outcome
            return ERROR, f"{type(error).__name__}: {error}"
        finally:
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _quiet_refusals(caplog):
    """Django logs every 403 and 404 with its traceback; thousands of them here say nothing."""
    caplog.set_level(logging.ERROR, logger="django.request")


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(ACCESS))
def test_who_may_reach(signed_in_world, key):
    world, cookies = signed_in_world.world, signed_in_world.session_cookies
    wrong = []
    for row in _rows(key):
        for scope in ("own", "other") if row.sided else ("own",):
            side = world.own if scope == "own" else world.other
            path = _path(key, row.obj(side) if row.obj else {})
            query = f"?{urlencode(row.query(side))}" if row.query else ""
            for method, rule in (("GET", row.get), ("POST", row.post)):
                if rule is NOT_OFFERED and scope == "other":
                    continue  # refused before the object is looked at: the own side's answer is the other's
                for role in ROLES:
                    if role == ANONYMOUS and scope == "other":
                        continue  # sent to sign in before the object is looked at
                    expected = _expected(rule, role, scope)
                    actual, seen = _request(cookies.get(role), method, path + (query if method == "GET" else ""))
                    if actual not in expected:
                        label = f" ({(row.obj or row.query).label}, {scope})" if row.sided else ""
                        wrong.append(
                            f"{method} {path}{label} as {role}: expected {' or '.join(sorted(expected))}, "
                            f"got {actual} ({seen})"
                        )
    assert not wrong, f"{key}: {len(wrong)} cells differ from tests/access_matrix.py\n" + "\n".join(wrong)
