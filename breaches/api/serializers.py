from rest_framework import serializers

from breaches.models import BreachRequest, Decision


class _DecisionFields(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.full_name", default=None, read_only=True)

    class Meta:
        model = Decision
        fields = ["outcome", "conditions", "expires_on", "comment", "decided_by", "decided_as", "decided_at"]


class BreachRequestSerializer(serializers.ModelSerializer):
    local_authority = serializers.CharField(source="local_authority.name")
    local_authority_code = serializers.CharField(source="local_authority.old_code")
    region = serializers.CharField(source="local_authority.region.slug")
    role = serializers.CharField(source="role_grade.code")
    role_name = serializers.CharField(source="role_grade.name")
    decision = serializers.SerializerMethodField()

    class Meta:
        model = BreachRequest
        fields = [
            "reference",
            "status",
            "local_authority",
            "local_authority_code",
            "region",
            "role",
            "role_name",
            "engagement_type",
            "proposed_rate",
            "number_of_roles",
            "contract_start",
            "contract_end",
            "reason_category",
            "reason",
            "is_project_team",
            "confirms_no_other_breach",
            "round",
            "cap_rate",
            "allowed_rate",
            "over_by",
            "over_by_percent",
            "submitted_at",
            "decision",
        ]

    def get_decision(self, obj: BreachRequest) -> dict | None:
        decision = getattr(obj, "decision", None) if obj.status in ("approved", "rejected") else None
        return _DecisionFields(decision).data if decision else None


class DecisionSerializer(_DecisionFields):
    reference = serializers.CharField(source="breach_request.reference")
    local_authority = serializers.CharField(source="breach_request.local_authority.name")
    local_authority_code = serializers.CharField(source="breach_request.local_authority.old_code")
    role = serializers.CharField(source="breach_request.role_grade.code")
    proposed_rate = serializers.DecimalField(source="breach_request.proposed_rate", max_digits=7, decimal_places=2)
    cap_rate = serializers.DecimalField(source="breach_request.cap_rate", max_digits=7, decimal_places=2)
    number_of_roles = serializers.IntegerField(source="breach_request.number_of_roles")

    class Meta(_DecisionFields.Meta):
        fields = [
            "reference",
            "local_authority",
            "local_authority_code",
            "role",
            "proposed_rate",
            "cap_rate",
            "number_of_roles",
            *_DecisionFields.Meta.fields,
        ]
