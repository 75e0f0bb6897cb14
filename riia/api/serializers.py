"""Serializers shared by every API: the error format (for the OpenAPI schema) and whoami."""

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


class WhoAmIOrganisationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["msp", "la", "region", "group", "agency"])
    name = serializers.CharField()
    slug = serializers.CharField()
    dfe_code = serializers.CharField(required=False, help_text="LAs only: the DfE 3-digit LA number.")
    ons_code = serializers.CharField(required=False, help_text="LAs only: the ONS code.")
    region = serializers.CharField(required=False, help_text="LAs only: the region's slug.")
    local_authorities = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="MSPs only: the DfE numbers of the LAs it serves (it may send data only for these).",
    )


class WhoAmIKeySerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="The part of the key before the dot; safe to show and log.")
    expiry_date = serializers.DateTimeField(allow_null=True, help_text="When the key stops working; null if never.")


class WhoAmIRoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    role_name = serializers.CharField()
    organisation = WhoAmIOrganisationSerializer()


class WhoAmIPersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField()


class WhoAmISerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["msp", "la", "person"],
        help_text="`msp` or `la` for an API key (the organisation it belongs to), `person` for a signed-in session.",
    )
    organisation = WhoAmIOrganisationSerializer(required=False, help_text="API keys only.")
    key = WhoAmIKeySerializer(required=False, help_text="API keys only.")
    person = WhoAmIPersonSerializer(required=False, help_text="Sessions only.")
    roles = WhoAmIRoleSerializer(many=True, required=False, help_text="Sessions only: current roles.")
