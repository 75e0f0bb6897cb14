from django_filters import rest_framework as filters

from breaches.models import BreachRequest, BreachRequestStatus, Decision


class BreachRequestFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=BreachRequestStatus.choices)
    local_authority = filters.CharFilter(field_name="local_authority__old_code", label="DfE LA number, e.g. 330")
    role = filters.CharFilter(field_name="role_grade__code", label="Role grade code, e.g. social-worker")

    class Meta:
        model = BreachRequest
        fields = ["status", "local_authority", "role"]


class DecisionFilter(filters.FilterSet):
    outcome = filters.ChoiceFilter(choices=Decision.Outcome.choices)
    local_authority = filters.CharFilter(field_name="breach_request__local_authority__old_code")
    role = filters.CharFilter(field_name="breach_request__role_grade__code")

    class Meta:
        model = Decision
        fields = ["outcome", "local_authority", "role"]
