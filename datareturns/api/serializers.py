from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from breaches.selectors.register import quarter_bounds
from datareturns.models import Flag, Placement, Upload


class UploadAnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rows = serializers.IntegerField(help_text="Rows in the body.")
    created = serializers.IntegerField(help_text="New placements (or leavers).")
    updated = serializers.IntegerField(help_text="Rows that replaced an earlier version (same assignment_id).")
    flags = serializers.DictField(
        child=serializers.IntegerField(), help_text="Flag code: how many of this upload's rows have it."
    )
    duplicate_of = serializers.IntegerField(
        required=False, help_text="Present when the same body was sent before without a key: that upload's id."
    )


class LeaverUploadAnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    placements_rechecked = serializers.IntegerField(required=False)
    duplicate_of = serializers.IntegerField(required=False)


class UploadSerializer(serializers.ModelSerializer):
    sent_by = serializers.CharField(source="sender_name")
    api_key = serializers.CharField(source="api_key.name", default=None)

    class Meta:
        model = Upload
        fields = [
            "id",
            "kind",
            "status",
            "sent_by",
            "api_key",
            "received_at",
            "completed_at",
            "rows",
            "created",
            "updated",
            "flags",
            "content_hash",
        ]


class PlacementFlagSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Flag.choices)
    explanation = serializers.CharField()


class PlacementSerializer(serializers.ModelSerializer):
    la_code = serializers.CharField(source="local_authority.old_code")
    local_authority = serializers.CharField(source="local_authority.name")
    role = serializers.CharField(source="role_grade.code")
    agency = serializers.CharField(source="agency.name")
    msp = serializers.CharField(source="msp.name", default=None, allow_null=True, help_text="Null: sent by the LA.")
    breach_request = serializers.CharField(
        source="breach_request.reference", default=None, allow_null=True, help_text="Null: no request matched."
    )
    flags = serializers.SerializerMethodField()

    class Meta:
        model = Placement
        fields = [
            "id",
            "assignment_id",
            "la_code",
            "local_authority",
            "msp",
            "role",
            "engagement_type",
            "hourly_pay_rate",
            "charge_rate",
            "agency_margin",
            "msp_fee",
            "start_date",
            "end_date",
            "hours_per_week",
            "agency",
            "project_team",
            "pqe_years",
            "covering_vacancy",
            "breach_request_reference",
            "breach_request",
            "cap_rate",
            "allowed_rate",
            "flags",
            "updated_at",
        ]

    def get_flags(self, placement: Placement) -> list[dict[str, str]]:
        return [{"code": code, "explanation": placement.explanations.get(code, "")} for code in placement.flags]


class PlacementQuerySerializer(serializers.Serializer):
    la = serializers.CharField(required=False, help_text="DfE LA number (330) or ONS code (E08000025).")
    quarter = serializers.RegexField(
        r"^\d{4}-Q[1-4]$",
        required=False,
        help_text="Active in this calendar quarter, like 2025-Q1.",
        error_messages={"invalid": "Enter a quarter like 2025-Q1."},
    )
    flag = serializers.ChoiceField(choices=Flag.values, required=False)
    role = serializers.CharField(required=False, help_text="A role grade code.")
    agency = serializers.CharField(required=False, help_text="An agency's slug.")

    def validate_quarter(self, quarter: str) -> str:
        # The pattern admits years no calendar has (0000-Q1, 9999-Q4 ends in year 10000).
        try:
            quarter_bounds(quarter)
        except ValueError:
            raise serializers.ValidationError("Enter a quarter like 2025-Q1, in a year from 1 to 9998.") from None
        return quarter


class PlacementCheckErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    field = serializers.CharField(allow_null=True)
    value = serializers.CharField(required=False)
    message = serializers.CharField()


class PlacementCheckRowSerializer(serializers.Serializer):
    """One proposed placement's answer: its would-be flags (``valid``), or the upload's row errors."""

    row = serializers.IntegerField(help_text="1-based position in ``placements`` (CSV: the spreadsheet row).")
    assignment_id = serializers.CharField(allow_null=True)
    valid = serializers.BooleanField(help_text="False when the row has errors: see ``errors``.")
    errors = PlacementCheckErrorSerializer(many=True, required=False, help_text="Only on an invalid row.")
    la_code = serializers.CharField(required=False)
    local_authority = serializers.CharField(required=False)
    compliant = serializers.BooleanField(
        required=False,
        help_text="No flag that breaks the MOU: above_cap_authorised and no_cap_in_force are information.",
    )
    flags = PlacementFlagSerializer(many=True, required=False, help_text="The flags the placement would get.")
    hourly_pay_rate = serializers.DecimalField(max_digits=7, decimal_places=2, required=False)
    cap_rate = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True, required=False)
    allowed_rate = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        allow_null=True,
        required=False,
        help_text="The cap, or the LA's exemption rate where one allows more; null when no cap is in force.",
    )
    over_by = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        allow_null=True,
        required=False,
        help_text="Pounds an hour above the allowed rate; null when not above it.",
    )
    over_by_percent = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, required=False, help_text="over_by as a percent of it."
    )


class PlacementCheckAnswerSerializer(serializers.Serializer):
    rows = serializers.IntegerField(help_text="Proposed placements in the request.")
    checked = serializers.IntegerField(help_text="Valid ones, answered with their flags.")
    invalid = serializers.IntegerField(help_text="Rows with errors.")
    results = PlacementCheckRowSerializer(many=True)


# --- Benchmarks ---------------------------------------------------------------------------------


class BenchmarkQuerySerializer(serializers.Serializer):
    scope = serializers.CharField(
        required=False,
        help_text=(
            "england, region:<slug>, group:<region-slug>/<group-slug> or la:<DfE number or ONS code>. "
            "Without it: every scope you may see."
        ),
    )
    quarter = serializers.CharField(required=False, help_text="A calendar quarter, like 2025-Q1.")
    role = serializers.CharField(required=False, help_text="A core type code (social_worker, ...) or all.")


def _benchmark_metric_fields() -> dict[str, serializers.Field]:
    from django.db import models

    from datareturns.benchmarks_selectors import METRICS
    from datareturns.models import BenchmarkRow

    fields: dict[str, serializers.Field] = {}
    for name in METRICS:
        model_field = BenchmarkRow._meta.get_field(name)
        if isinstance(model_field, models.DecimalField):
            fields[name] = serializers.DecimalField(
                max_digits=model_field.max_digits, decimal_places=model_field.decimal_places, allow_null=True
            )
        else:
            fields[name] = serializers.IntegerField(allow_null=True)
    return fields


BenchmarkResultSerializer = type(
    "BenchmarkResultSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "One scope × quarter × role: every metric of the README's Benchmarking table; a "
        "suppressed figure is null and named in ``suppressed``.",
        "scope": serializers.CharField(),
        "quarter": serializers.CharField(),
        "role": serializers.CharField(),
        **_benchmark_metric_fields(),
        "suppressed": serializers.ListField(child=serializers.CharField()),
    },
)


@extend_schema_serializer(many=False)  # already the page: not to be wrapped in another
class PaginatedBenchmarkListSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the oldest snapshot in this answer was computed."
    )
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = BenchmarkResultSerializer(many=True)
