from rest_framework import serializers


class CapsQuerySerializer(serializers.Serializer):
    on = serializers.DateField(
        required=False,
        input_formats=["iso-8601"],
        help_text="The date the caps are wanted for (YYYY-MM-DD). Today when left out.",
        error_messages={"invalid": "Enter the date as YYYY-MM-DD, for example 2026-04-01."},
    )


class RoleGradeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    core_type = serializers.CharField()
    region_slug = serializers.CharField(allow_null=True, help_text="Empty for a national core grade.")


class CapSerializer(serializers.Serializer):
    role_grade = RoleGradeSerializer()
    limited_company_umbrella_hourly_cap = serializers.DecimalField(max_digits=7, decimal_places=2)
    paye_hourly_cap = serializers.DecimalField(max_digits=7, decimal_places=2)
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True, help_text="Last day in force; null while open-ended.")
    applies_via = serializers.CharField(
        allow_null=True, help_text="For a local grade without a cap of its own: the core grade whose cap applies."
    )


class RegionRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class RegionCapsSerializer(serializers.Serializer):
    region = RegionRefSerializer()
    on = serializers.DateField()
    caps = CapSerializer(many=True)
