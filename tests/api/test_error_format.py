"""Every error of the API, whatever raised it, is answered in one format: {"errors": [{"field", "message"}]}
(with row and value where they apply), with the exception's own status and headers."""

import json

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from riia.api.authentication import ApiKeyAuthentication
from riia.api.exceptions import RowErrors
from riia.errors import DomainError

factory = APIRequestFactory()


class Raises(APIView):
    """Raises whatever exception the test hands it, from inside the handler."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    exception: Exception

    def get(self, request):
        raise self.exception

    def post(self, request):
        request.data  # noqa: B018 - parsing the body is what raises ParseError / UnsupportedMediaType
        return Response({})


def call(method="get", request_kwargs=None, **attrs):
    view = type("TestView", (Raises,), attrs).as_view()
    response = view(getattr(factory, method)("/api/v1/test/", **(request_kwargs or {})))
    response.render()
    response.json = lambda: json.loads(response.content)
    return response


@pytest.mark.parametrize(
    ("exception", "status", "message"),
    [
        (DomainError("Enter a name for the key", field="name"), 400, "Enter a name for the key"),
        (
            Http404("No Region matches the given query."),
            404,
            "Not found. Check the address, or you may not have access to it.",
        ),
        (exceptions.NotFound(), 404, "Not found. Check the address, or you may not have access to it."),
        (
            DjangoPermissionDenied("You do not have a role in this region."),
            403,
            "You do not have a role in this region.",
        ),
        (exceptions.PermissionDenied(), 403, "You do not have permission to do this."),
        (exceptions.ParseError("JSON parse error"), 400, "JSON parse error"),
        (exceptions.UnsupportedMediaType("text/plain"), 415, 'Unsupported media type "text/plain" in request.'),
        (exceptions.MethodNotAllowed("PUT"), 405, 'Method "PUT" not allowed.'),
        (exceptions.NotAcceptable(), 406, "Could not satisfy the request Accept header."),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_each_error_kind_is_one_error_with_its_status(exception, status, message):
    response = call(exception=exception)

    assert response.status_code == status
    field = "name" if isinstance(exception, DomainError) else None
    assert response.json() == {"errors": [{"field": field, "message": message}]}


def test_a_domain_error_without_a_field_is_a_400_with_a_null_field():
    response = call(exception=DomainError("This API key has already been revoked"))

    assert response.status_code == 400
    assert response.json() == {"errors": [{"field": None, "message": "This API key has already been revoked"}]}


def test_field_validation_errors_name_each_field_and_keep_every_message():
    response = call(
        exception=exceptions.ValidationError({"on": ["Enter a date", "Too early"], "name": ["Enter a name"]})
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"field": "on", "message": "Enter a date"},
            {"field": "on", "message": "Too early"},
            {"field": "name", "message": "Enter a name"},
        ]
    }


def test_a_non_field_validation_error_has_a_null_field():
    response = call(exception=exceptions.ValidationError("The file has no placements"))

    assert response.json() == {"errors": [{"field": None, "message": "The file has no placements"}]}


class Address(serializers.Serializer):
    postcode = serializers.CharField(max_length=8)


class Person(serializers.Serializer):
    name = serializers.CharField()
    address = Address()
    tags = serializers.ListField(child=serializers.IntegerField())

    def validate(self, attrs):
        raise serializers.ValidationError("Never valid")


def _errors_of(serializer) -> exceptions.ValidationError:
    assert not serializer.is_valid()
    return exceptions.ValidationError(serializer.errors)


def test_nested_errors_get_dotted_field_paths():
    serializer = Person(data={"name": "", "address": {"postcode": "far too long"}, "tags": [1, "x"]})

    body = call(exception=_errors_of(serializer)).json()

    assert body == {
        "errors": [
            {"field": "name", "message": "This field may not be blank."},
            {"field": "address.postcode", "message": "Ensure this field has no more than 8 characters."},
            {"field": "tags.1", "message": "A valid integer is required."},
        ]
    }


def test_a_list_sent_as_the_body_reports_its_rows_one_based_and_skips_valid_ones():
    valid = {"name": "Ann", "address": {"postcode": "B1 1AA"}, "tags": []}
    serializer = Person(data=[valid, {"name": "Bo", "address": {}, "tags": []}], many=True)

    body = call(exception=_errors_of(serializer)).json()

    assert body == {
        "errors": [
            {"row": 1, "field": None, "message": "Never valid"},
            {"row": 2, "field": "address.postcode", "message": "This field is required."},
        ]
    }


def test_row_errors_keep_their_rows_values_count_and_status():
    rows = [{"row": 2, "field": "hourly_pay_rate", "value": "45,50", "message": "Use a point, like 45.50"}]

    response = call(exception=RowErrors(rows, error_count=1234, status=413))

    assert response.status_code == 413
    assert response.json() == {"errors": rows, "error_count": 1234}


def test_an_unexpected_exception_is_not_hidden():
    with pytest.raises(ZeroDivisionError):
        call(exception=ZeroDivisionError())


def test_a_malformed_json_body_is_a_400_parse_error():
    response = call(method="post", request_kwargs={"data": "{not json", "content_type": "application/json"})

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] is None and error["message"].startswith("JSON parse error")


def test_an_unsupported_content_type_is_a_415():
    response = call(method="post", request_kwargs={"data": "a,b", "content_type": "text/csv"})

    assert response.status_code == 415
    assert response.json() == {"errors": [{"field": None, "message": 'Unsupported media type "text/csv" in request.'}]}


def test_a_method_the_view_does_not_have_is_a_405():
    response = call(method="put")

    assert response.status_code == 405
    assert response.json() == {"errors": [{"field": None, "message": 'Method "PUT" not allowed.'}]}


class Never(BaseThrottle):
    def allow_request(self, request, view):
        return False

    def wait(self):
        return 42


def test_a_throttled_call_is_a_429_with_retry_after():
    response = call(throttle_classes=[Never])

    assert response.status_code == 429
    assert response["Retry-After"] == "42"
    assert response.json() == {
        "errors": [{"field": None, "message": "Request was throttled. Expected available in 42 seconds."}]
    }


def test_no_credentials_on_a_view_taking_keys_is_a_401_naming_the_scheme():
    response = call(
        authentication_classes=[ApiKeyAuthentication, SessionAuthentication], permission_classes=[IsAuthenticated]
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json() == {
        "errors": [
            {"field": None, "message": "Sign in, or send an API key in the Authorization header (Api-Key <key>)."}
        ]
    }


def test_a_failed_authentication_on_a_view_taking_keys_is_a_401_naming_the_scheme():
    response = call(
        exception=exceptions.AuthenticationFailed("This API key has been revoked"),
        authentication_classes=[ApiKeyAuthentication, SessionAuthentication],
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json() == {"errors": [{"field": None, "message": "This API key has been revoked"}]}


def test_no_credentials_on_a_session_only_view_is_a_403_as_drf_does():
    response = call(authentication_classes=[SessionAuthentication], permission_classes=[IsAuthenticated])

    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] is None


@pytest.mark.django_db
def test_the_caps_api_answers_an_unknown_region_and_a_wrong_method_in_the_format(client_for, workforce_lead, region):
    client = client_for(workforce_lead)

    missing = client.get("/api/v1/regions/atlantis/caps/")
    wrong_method = client.delete(f"/api/v1/regions/{region.slug}/caps/")

    assert missing.status_code == 404
    assert missing.json() == {
        "errors": [{"field": None, "message": "Not found. Check the address, or you may not have access to it."}]
    }
    assert wrong_method.status_code == 405
    assert wrong_method.json() == {"errors": [{"field": None, "message": 'Method "DELETE" not allowed.'}]}
