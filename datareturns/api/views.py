"""The placement data API: uploads from MSP systems (and LAs), and scoped reads.

Upload bodies are never parsed by DRF: the view streams ``request`` into a temporary file while
hashing it (``upload_body_spool``), so a 64 MB body never sits in memory."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from datareturns import prechecks, services
from datareturns.api.serializers import (
    BenchmarkQuerySerializer,
    BenchmarkResultSerializer,
    LeaverUploadAnswerSerializer,
    PaginatedBenchmarkListSerializer,
    PlacementCheckAnswerSerializer,
    PlacementQuerySerializer,
    PlacementSerializer,
    UploadAnswerSerializer,
    UploadSerializer,
)
from datareturns.api.throttling import PlacementCheckThrottle
from datareturns.benchmarks_selectors import (
    BenchmarkFilterError,
    benchmark_read,
    benchmark_results_from,
    benchmark_rows_visible_to,
)
from datareturns.models import BenchmarkRow
from datareturns.rules import msps_uploading_for
from datareturns.selectors import placements_visible_to, uploads_visible_to
from datareturns.validation import PLACEMENT_COLUMNS
from riia.api.authentication import ApiKeyAuthentication
from riia.api.exceptions import RowErrors, error_item
from riia.api.serializers import ErrorSerializer
from riia.models import Role
from riia.rules import current_memberships

KEY_OR_SESSION = [ApiKeyAuthentication, SessionAuthentication]


CSV_EXAMPLE = (
    "assignment_id,la_code,worker_registration,role,engagement_type,hourly_pay_rate,charge_rate,"
    "start_date,end_date,hours_per_week,agency,project_team,pqe_years\n"
    "A-1001,330,SW123456,social-worker,limited_company,38.50,52.00,2025-01-06,,37,Acme Social Care,false,4\n"
)


def _source(request: Request, *, leavers: bool) -> services.UploadSource:
    """Who is sending: an API key's organisation, an MSP uploader, or an LA's workforce lead."""
    client = request.user
    if getattr(client, "api_key", None) is not None:
        return services.UploadSource(msp=client.msp, local_authority=client.local_authority, api_key=client.api_key)
    if not leavers:
        msps = msps_uploading_for(client)
        if msps:
            return services.UploadSource(msp=msps[0], user=client)
    leads = [m.local_authority for m in current_memberships(client) if m.role == Role.WORKFORCE_LEAD]
    if leads:
        return services.UploadSource(local_authority=leads[0], user=client)
    raise PermissionDenied(
        "Only an LA's workforce lead can send permanent leavers."
        if leavers
        else "Only an MSP's uploader or an LA's workforce lead can send placements."
    )


def _upload(request: Request, *, leavers: bool) -> Response:
    source = _source(request, leavers=leavers)
    length = request.META.get("CONTENT_LENGTH")
    try:
        body = services.upload_body_spool(request._request, declared_length=int(length) if length else None)
        with body.file:
            create = services.leaver_upload_create if leavers else services.placement_upload_create
            answer = create(
                source=source,
                body=body,
                content_type=request.META.get("CONTENT_TYPE", ""),
                idempotency_key=request.META.get("HTTP_IDEMPOTENCY_KEY"),
            )
    except services.UploadError as error:
        raise RowErrors(error.errors, error_count=error.error_count, status=error.status) from None
    return Response(answer.body, status=answer.status)


UPLOAD_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Some rows are invalid: every error, nothing stored."),
    401: OpenApiResponse(ErrorSerializer, description="No, unknown, revoked or expired API key."),
    403: OpenApiResponse(ErrorSerializer, description="The caller may not send this kind of upload."),
    409: OpenApiResponse(
        ErrorSerializer,
        description="The same upload (by Idempotency-Key, or by the same body without one) is still being processed; "
        "the message names it. Send it again in a moment for its answer.",
    ),
    413: OpenApiResponse(ErrorSerializer, description="Over 64 MB, or over 200,000 rows."),
    415: OpenApiResponse(ErrorSerializer, description="Not text/csv or application/json."),
    422: OpenApiResponse(ErrorSerializer, description="The Idempotency-Key was used before with a different body."),
}
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Optional. The same key and body again returns the first answer and stores nothing.",
)


class PlacementUploadListView(generics.ListAPIView):
    """``GET``: your uploads, newest first. ``POST``: send placements (all rows stored, or none)."""

    authentication_classes = KEY_OR_SESSION
    serializer_class = UploadSerializer

    def get_queryset(self):
        return uploads_visible_to(user=self.request.user).filter(kind="placements")

    @extend_schema(
        summary="Upload placements (CSV or JSON)",
        parameters=[IDEMPOTENCY],
        request={
            "text/csv": OpenApiTypes.STR,
            "application/json": {
                "type": "object",
                "properties": {"placements": {"type": "array", "items": {"type": "object"}}},
            },
        },
        responses={
            201: UploadAnswerSerializer,
            200: OpenApiResponse(UploadAnswerSerializer, description="The same body was stored before."),
            **UPLOAD_ERRORS,
        },
        examples=[
            OpenApiExample("CSV body", value=CSV_EXAMPLE, request_only=True, media_type="text/csv"),
            OpenApiExample(
                "Stored",
                value={"id": 12, "rows": 1, "created": 1, "updated": 0, "flags": {"above_cap_unauthorised": 0}},
                response_only=True,
                status_codes=["201"],
            ),
            OpenApiExample(
                "Row errors",
                value={
                    "errors": [
                        {
                            "row": 2,
                            "field": "hourly_pay_rate",
                            "value": "45,50",
                            "message": "The hourly pay rate is not a valid amount: use a point for pence, like 45.50, not a comma.",
                        }
                    ],
                    "error_count": 1,
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        return _upload(request, leavers=False)


class PlacementUploadDetailView(generics.RetrieveAPIView):
    authentication_classes = KEY_OR_SESSION
    serializer_class = UploadSerializer

    def get_queryset(self):
        return uploads_visible_to(user=self.request.user)


class LeaverUploadListView(generics.ListAPIView):
    """``GET``: your LA's leaver uploads. ``POST``: send permanent leavers (for the cool-off check)."""

    authentication_classes = KEY_OR_SESSION
    serializer_class = UploadSerializer

    def get_queryset(self):
        return uploads_visible_to(user=self.request.user).filter(kind="leavers")

    @extend_schema(
        summary="Upload permanent leavers (CSV or JSON)",
        parameters=[IDEMPOTENCY],
        request={
            "text/csv": OpenApiTypes.STR,
            "application/json": {
                "type": "object",
                "properties": {"leavers": {"type": "array", "items": {"type": "object"}}},
            },
        },
        responses={201: LeaverUploadAnswerSerializer, 200: LeaverUploadAnswerSerializer, **UPLOAD_ERRORS},
    )
    def post(self, request: Request) -> Response:
        return _upload(request, leavers=True)


class PlacementListView(generics.ListAPIView):
    """Placements you may see, each with its flags and their explanations."""

    authentication_classes = KEY_OR_SESSION
    serializer_class = PlacementSerializer

    @extend_schema(parameters=[PlacementQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = PlacementQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        return placements_visible_to(
            user=self.request.user,
            la_code=filters.get("la", ""),
            quarter=filters.get("quarter", ""),
            flag=filters.get("flag", ""),
            role=filters.get("role", ""),
            agency=filters.get("agency", ""),
        ).order_by("-start_date", "pk")


# --- The pre-offer check ------------------------------------------------------------------------

_PROPOSED = {
    "type": "object",
    "description": "A proposed placement in the upload's columns (assignment_id optional).",
    "properties": {name: {"type": "string"} for name in PLACEMENT_COLUMNS.all},
    "required": [name for name in PLACEMENT_COLUMNS.required if name != "assignment_id"],
}
CHECK_EXAMPLE = {
    "la_code": "330",
    "worker_registration": "SW123456",
    "role": "social-worker",
    "engagement_type": "limited_company",
    "hourly_pay_rate": "38.50",
    "charge_rate": "52.00",
    "start_date": "2026-06-01",
    "hours_per_week": "37",
    "agency": "Acme Social Care",
    "project_team": "false",
    "pqe_years": "4",
}
CHECK_ANSWER_EXAMPLE = {
    "rows": 1,
    "checked": 1,
    "invalid": 0,
    "results": [
        {
            "row": 1,
            "assignment_id": None,
            "la_code": "330",
            "local_authority": "Birmingham",
            "valid": True,
            "compliant": False,
            "flags": [
                {
                    "code": "above_cap_unauthorised",
                    "explanation": "Paid £38.50 an hour; the West Midlands cap for a social worker on 1 June 2026 is "
                    "£35.00; no approved breach request covers it.",
                }
            ],
            "hourly_pay_rate": "38.50",
            "cap_rate": "35.00",
            "allowed_rate": "35.00",
            "over_by": "3.50",
            "over_by_percent": "10.0",
        }
    ],
}


class PlacementCheckView(APIView):
    """``POST``: which flags proposed placements would get if uploaded now. Nothing is stored."""

    authentication_classes = KEY_OR_SESSION
    throttle_classes = [PlacementCheckThrottle]

    @extend_schema(
        summary="Check proposed placements before the offer (nothing is stored)",
        description=(
            'One proposed placement as a JSON object, or up to 1,000 in `{"placements": [...]}` (or CSV), in '
            "the upload's columns with `assignment_id` optional. Each row is answered with the flags it would "
            "get from an upload by the same sender now, each with its explanation, the allowed rate and how far "
            "above it the rate is; an invalid row gets the upload's row errors. Rate-limited per API key (or "
            "person): over the limit, 429 with Retry-After."
        ),
        request={
            "application/json": {
                "oneOf": [
                    _PROPOSED,
                    {
                        "type": "object",
                        "properties": {"placements": {"type": "array", "maxItems": 1000, "items": _PROPOSED}},
                        "required": ["placements"],
                    },
                ]
            },
            "text/csv": OpenApiTypes.STR,
        },
        responses={
            200: PlacementCheckAnswerSerializer,
            400: OpenApiResponse(ErrorSerializer, description="The body cannot be read, or holds no placement."),
            401: UPLOAD_ERRORS[401],
            403: OpenApiResponse(ErrorSerializer, description="The caller may not send placements."),
            413: OpenApiResponse(ErrorSerializer, description="More than 1,000 placements."),
            415: UPLOAD_ERRORS[415],
            429: OpenApiResponse(ErrorSerializer, description="Too many checks: wait for Retry-After seconds."),
        },
        examples=[
            OpenApiExample("One proposed placement", value=CHECK_EXAMPLE, request_only=True),
            OpenApiExample("Several", value={"placements": [CHECK_EXAMPLE]}, request_only=True),
            OpenApiExample("Above the cap", value=CHECK_ANSWER_EXAMPLE, response_only=True, status_codes=["200"]),
        ],
    )
    def post(self, request: Request) -> Response:
        source = _source(request, leavers=False)
        content_type = request.META.get("CONTENT_TYPE", "")
        try:
            # The content type first: a form body (read by the CSRF check) is refused before its body is asked for.
            services.content_kind(content_type)
            answer = prechecks.placements_check_body(
                source=source, body=request._request.body, content_type=content_type
            )
        except services.UploadError as error:
            raise RowErrors(error.errors, error_count=error.error_count, status=error.status) from None
        prechecks.check_tally_add(source=source, rows=len(answer.results))
        return Response(answer.as_dict())


class BenchmarkListView(generics.ListAPIView):
    """Benchmark figures from the latest snapshots, one result per scope × quarter × role you may see."""

    authentication_classes = KEY_OR_SESSION
    serializer_class = BenchmarkResultSerializer
    queryset = BenchmarkRow.objects.none()  # for the schema; get() reads through the selector

    @extend_schema(
        parameters=[BenchmarkQuerySerializer],
        responses={
            200: PaginatedBenchmarkListSerializer,
            400: OpenApiResponse(ErrorSerializer, description="A scope, quarter or role that is not valid."),
            403: OpenApiResponse(ErrorSerializer, description="A scope of another region's LA or group."),
        },
    )
    def get(self, request, *args, **kwargs):
        query = BenchmarkQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        with benchmark_read():  # computed_at, the count and the page from one snapshot of the data
            try:
                computed_at, rows = benchmark_rows_visible_to(
                    user=request.user,
                    scope=filters.get("scope"),
                    quarter=filters.get("quarter"),
                    role=filters.get("role"),
                )
            except PermissionError as refusal:
                raise PermissionDenied(str(refusal)) from None
            except BenchmarkFilterError as error:
                errors = [error_item(message=str(error), field=error.field, value=filters.get(error.field))]
                raise RowErrors(errors, error_count=1) from None
            page = self.paginate_queryset(rows)
            results = benchmark_results_from(page, user=request.user)
        response = self.get_paginated_response(self.get_serializer(results, many=True).data)
        response.data = {"computed_at": computed_at, **response.data}
        return response
