"""Read-only caps for MSP systems to sync their rate cards."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rates.api.permissions import CanViewRegionCaps
from rates.api.serializers import CapsQuerySerializer, RegionCapsSerializer
from rates.selectors import caps_on
from riia.api.serializers import ErrorSerializer
from riia.models import Region


class RegionCapsView(APIView):
    permission_classes = [IsAuthenticated, CanViewRegionCaps]

    @extend_schema(
        summary="Price caps of a region on a date",
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="YYYY-MM-DD; today when left out.")],
        responses={200: RegionCapsSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, slug: str) -> Response:
        region = get_object_or_404(Region, slug=slug)
        self.check_object_permissions(request, region)
        query = CapsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("on") or timezone.localdate()
        grades = {}
        rows = caps_on(region=region, on=on)
        for grade, _ in rows:
            grades[grade.pk] = grade
        caps = [
            {
                "role_grade": {
                    "code": grade.code,
                    "name": grade.name,
                    "core_type": grade.core_type,
                    "region_slug": region.slug if grade.region_id else None,
                },
                "limited_company_umbrella_hourly_cap": cap.hourly_rate,
                "paye_hourly_cap": cap.paye_hourly_rate,
                "effective_from": cap.effective_from,
                "effective_to": cap.effective_to,
                "applies_via": grades[cap.role_grade_id].code if cap.role_grade_id != grade.pk else None,
            }
            for grade, cap in rows
        ]
        data = {"region": {"slug": region.slug, "name": region.name}, "on": on, "caps": caps}
        return Response(RegionCapsSerializer(data).data)
