"""``Authorization: Api-Key <key>`` for the APIs that organisations call from their own systems.

Only views that list ``ApiKeyAuthentication`` accept keys (the placement and leaver uploads, whoami);
every other API view keeps the session only. Use it first, so that a refusal is a 401 that names
the scheme: ``authentication_classes = [ApiKeyAuthentication, SessionAuthentication]``."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework_api_key.permissions import KeyParser

from riia.models import MSP, ApiKey, LocalAuthority
from riia.services_keys import ApiKeyRefused, api_key_authenticate


class ApiKeyClient:
    """Who is calling when a key authenticates: an organisation's system, not a person. It has no
    database row and no person's permissions (``has_perm`` is always False): views that accept keys
    scope what they do by ``msp`` or ``local_authority``."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, api_key: ApiKey) -> None:
        self.api_key = api_key

    @property
    def msp(self) -> MSP | None:
        return self.api_key.msp

    @property
    def local_authority(self) -> LocalAuthority | None:
        return self.api_key.local_authority

    @property
    def organisation(self) -> MSP | LocalAuthority:
        return self.api_key.organisation

    def get_username(self) -> str:
        return str(self)

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return False

    def has_perms(self, perms, obj: object = None) -> bool:
        return False

    def __str__(self) -> str:
        return f"API key {self.api_key.name} ({self.api_key.prefix}) of {self.organisation}"


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Api-Key"
    key_parser = KeyParser()

    def authenticate(self, request: Request) -> tuple[ApiKeyClient, ApiKey] | None:
        key = self.key_parser.get_from_authorization(request)
        if key is None:
            return None  # no key sent: another scheme (the session) may apply
        key = key.strip()
        if not key:
            raise AuthenticationFailed("Send the key after Api-Key, like this: Authorization: Api-Key <key>")
        try:
            api_key = api_key_authenticate(key=key)
        except ApiKeyRefused as refusal:
            raise AuthenticationFailed(refusal.message) from None
        return ApiKeyClient(api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Shows the scheme in the OpenAPI schema (drf-spectacular finds it when this module is imported)."""

    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An API key made on the service's API keys page, sent as `Api-Key <key>`.",
        }
