"""Worker registration numbers: normalised, then a keyed hash that must never change for a deployment."""

import hashlib
import hmac

from django.conf import settings

from riia.privacy import normalise_registration, registration_hash


def test_the_hash_is_hmac_sha256_of_the_number_with_the_deployment_key():
    expected = hmac.new(settings.RIIA_REGISTRATION_HMAC_KEY.encode(), b"SW123456", hashlib.sha256).hexdigest()

    assert registration_hash("SW123456") == expected
    assert registration_hash("SW123456") == expected  # the same again: the keyed state is copied, not consumed
    assert registration_hash("SW123457") != expected


def test_registration_numbers_are_normalised_and_anything_else_refused():
    assert normalise_registration(" sw 123 456 ") == "SW123456"
    assert normalise_registration("SW12345678901") is None
    assert normalise_registration("AB123456") is None
