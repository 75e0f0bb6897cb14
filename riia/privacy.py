"""Pseudonymous worker identifiers.

Social Work England registration numbers (``SW`` then up to 10 digits) are enumerable, so a plain hash
of one is no disguise: anyone could hash every possible number. A keyed hash (HMAC-SHA256 with a
secret of this deployment, ``RIIA_REGISTRATION_HMAC_KEY``) matches the same worker across MSPs and
LAs here and nowhere else. The number itself is never stored or logged."""

from __future__ import annotations

import hmac
import re
from functools import cache

from django.conf import settings

REGISTRATION_PATTERN = re.compile(r"SW\d{1,10}")


@cache
def _keyed() -> hmac.HMAC:
    """The HMAC with the key already absorbed; each hash starts from a copy (cheaper than re-keying)."""
    return hmac.new(settings.RIIA_REGISTRATION_HMAC_KEY.encode(), digestmod="sha256")


def normalise_registration(value: str) -> str | None:
    """``SW`` then 1 to 10 digits, upper-cased and without spaces; None when it is not one."""
    value = value.replace(" ", "").upper()
    return value if REGISTRATION_PATTERN.fullmatch(value) else None


def registration_hash(registration: str) -> str:
    """The keyed hash of a normalised registration number (64 hex characters)."""
    keyed = _keyed().copy()
    keyed.update(registration.encode())
    return keyed.hexdigest()
