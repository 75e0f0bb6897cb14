"""Serializers shared by every API: the error format, for the OpenAPI schema."""

from rest_framework import serializers


class ErrorItemSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        required=False,
        help_text="Only for rows of an upload: the spreadsheet row of a CSV (the header is row 1) "
        "or the 1-based position in a JSON array.",
    )
    field = serializers.CharField(
        allow_null=True,
        help_text="The field or column at fault (a dotted path for nested input); null when the error is "
        "about the request as a whole.",
    )
    value = serializers.JSONField(required=False, help_text="Only where it applies: the value as it was sent.")
    message = serializers.CharField(help_text="What is wrong and how to put it right, written for a person.")


class ErrorSerializer(serializers.Serializer):
    """Every error answer of the API (400, 401, 403, 404, 405, 413, 415, 429...)."""

    errors = ErrorItemSerializer(many=True)


class RowErrorsSerializer(ErrorSerializer):
    """An upload refused because of its rows: the list may be capped, ``error_count`` is the true number."""

    error_count = serializers.IntegerField(help_text="How many errors there are in all.")
