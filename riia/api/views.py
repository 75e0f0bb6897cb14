"""Who am I? For MSP and LA developers checking their key, and for people checking their session."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from riia.api.authentication import ApiKeyAuthentication, ApiKeyClient
from riia.api.serializers import ErrorSerializer, WhoAmISerializer
from riia.models import MSP, Agency, LocalAuthority, Region, SubRegionalGroup
from riia.selectors import memberships_for

_KINDS = {MSP: "msp", LocalAuthority: "la", Region: "region", SubRegionalGroup: "group", Agency: "agency"}


def organisation_data(organisation) -> dict:
    data = {"kind": _KINDS[type(organisation)], "name": organisation.name, "slug": organisation.slug}
    if isinstance(organisation, LocalAuthority):
        data.update(dfe_code=organisation.old_code, ons_code=organisation.new_code, region=organisation.region.slug)
    elif isinstance(organisation, MSP):
        data["local_authorities"] = sorted(la.old_code for la in organisation.local_authorities.all())
    return data


class WhoAmIView(APIView):
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    error_answers = ("401",)  # no parameters, and anyone signed in or with a key may ask (riia/api/schema.py)

    @extend_schema(
        summary="Who the API takes you to be",
        description="With an API key: the organisation the key belongs to and the key's name and prefix. "
        "With a signed-in session: the person and their current roles. A good first call to check a key.",
        responses={200: WhoAmISerializer, 401: ErrorSerializer},
        examples=[
            OpenApiExample(
                "An MSP's key",
                value={
                    "kind": "msp",
                    "organisation": {
                        "kind": "msp",
                        "name": "Midlands MSP",
                        "slug": "midlands-msp",
                        "local_authorities": ["330", "332"],
                    },
                    "key": {"name": "Nightly upload", "prefix": "Ab3dE6gH", "expiry_date": None},
                },
                response_only=True,
            ),
            OpenApiExample(
                "A revoked key",
                value={"errors": [{"field": None, "message": "This API key has been revoked"}]},
                response_only=True,
                status_codes=["401"],
            ),
        ],
    )
    def get(self, request: Request) -> Response:
        if isinstance(request.user, ApiKeyClient):
            api_key = request.user.api_key
            data = {
                "kind": api_key.kind,
                "organisation": organisation_data(api_key.organisation),
                "key": {"name": api_key.name, "prefix": api_key.prefix, "expiry_date": api_key.expiry_date},
            }
        else:
            data = {
                "kind": "person",
                "person": {"name": request.user.full_name, "email": request.user.email},
                "roles": [
                    {
                        "role": m.role,
                        "role_name": m.get_role_display(),
                        "organisation": organisation_data(m.organisation),
                    }
                    for m in memberships_for(user=request.user)
                ],
            }
        return Response(WhoAmISerializer(data).data)
