"""Placement data sent by MSPs (and LAs without one), permanent leavers, and the uploads that
brought them. A worker is known only by a keyed hash of their registration number
(``riia.privacy.registration_hash``); the number itself is never stored."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from rates.models import MONEY, EngagementType, RoleGrade
from riia.models import MSP, Agency, LocalAuthority

# Hard bounds the database keeps; the upload parser refuses the same values with a message.
MAX_UPLOAD_RATE = Decimal("500.00")
MAX_HOURS_PER_WEEK = Decimal("60")


class Flag(models.TextChoices):
    """What the compliance checks find on a placement. The codes are part of the API contract."""

    ABOVE_CAP_UNAUTHORISED = "above_cap_unauthorised", "Above cap without permission"
    ABOVE_CAP_AUTHORISED = "above_cap_authorised", "Above cap with permission"
    PQE_UNDER_3_YEARS = "pqe_under_3_years", "Less than 3 years' post-qualified experience"
    COOL_OFF = "cool_off", "Inside the cool-off period"
    PROJECT_TEAM_REPRICING = "project_team_repricing", "Project team re-pricing"
    NO_CAP_IN_FORCE = "no_cap_in_force", "No cap in force"

    @classmethod
    def column(cls, code: str) -> str:
        """The boolean column that holds a flag."""
        return f"flag_{code}"


class LeaveReason(models.TextChoices):
    RESIGNED = "resigned", "Resigned"
    RETIRED = "retired", "Retired"
    DISMISSED = "dismissed", "Dismissed"
    REDUNDANCY = "redundancy", "Redundancy"
    PROBATION = "probation", "Left during probation"
    END_OF_FIXED_TERM = "end_of_fixed_term", "End of fixed term"
    OTHER = "other", "Other"


class Upload(models.Model):
    """One accepted upload (placements or leavers): who sent it, what it held and what it did.

    ``sender`` is ``msp:<id>`` or ``la:<id>``: idempotency keys, content hashes and assignment ids are
    unique per sender."""

    class Kind(models.TextChoices):
        PLACEMENTS = "placements", "Placements"
        LEAVERS = "leavers", "Permanent leavers"

    class Status(models.TextChoices):
        PROCESSING = "processing", "Processing"
        COMPLETE = "complete", "Complete"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    sender = models.CharField(max_length=30)
    msp = models.ForeignKey(MSP, on_delete=models.PROTECT, null=True, blank=True, related_name="uploads")
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="uploads",
        help_text="The LA that sent it (leavers, or placements of an LA without an MSP).",
    )
    api_key = models.ForeignKey("riia.ApiKey", on_delete=models.PROTECT, null=True, blank=True, related_name="uploads")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=255, blank=True)
    content_hash = models.CharField(max_length=64)
    content_type = models.CharField(max_length=50)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROCESSING)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    flags = models.JSONField(default=dict, blank=True, help_text="Flag code: count, over this upload's rows.")
    response = models.JSONField(null=True, blank=True, help_text="The answer given, replayed for a repeat.")
    received_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="upload_sent_by_msp_or_la",
                condition=Q(msp__isnull=False) | Q(local_authority__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["kind", "sender", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="upload_idempotency_key_unique",
            ),
            models.UniqueConstraint(fields=["kind", "sender", "content_hash"], name="upload_content_stored_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} upload {self.pk}"

    @property
    def sender_name(self) -> str:
        return str(self.msp or self.local_authority)


class PlacementFields(models.Model):
    """The columns of a placement, shared by the current row and its history."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    msp = models.ForeignKey(MSP, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sender = models.CharField(max_length=30)
    assignment_id = models.CharField(max_length=64)
    worker_hash = models.CharField(max_length=64, help_text="Keyed hash of the registration number.")
    role_grade = models.ForeignKey(RoleGrade, on_delete=models.PROTECT, related_name="+")
    engagement_type = models.CharField(max_length=20, choices=EngagementType.choices)
    hourly_pay_rate = models.DecimalField(**MONEY)
    charge_rate = models.DecimalField(**MONEY)
    agency_margin = models.DecimalField(**MONEY, null=True, blank=True)
    msp_fee = models.DecimalField(**MONEY, null=True, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    hours_per_week = models.DecimalField(max_digits=5, decimal_places=2)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    project_team = models.BooleanField()
    pqe_years = models.DecimalField(max_digits=4, decimal_places=1)
    covering_vacancy = models.BooleanField(null=True, blank=True)
    breach_request_reference = models.CharField(max_length=20, blank=True)
    breach_request = models.ForeignKey(
        "breaches.BreachRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The approved request that allows the rate (cited, or found to cover it).",
    )
    cap_rate = models.DecimalField(**MONEY, null=True, blank=True, help_text="The cap on the start date.")
    allowed_rate = models.DecimalField(**MONEY, null=True, blank=True, help_text="The cap or a live exemption's rate.")
    flag_above_cap_unauthorised = models.BooleanField(default=False)
    flag_above_cap_authorised = models.BooleanField(default=False)
    flag_pqe_under_3_years = models.BooleanField(default=False)
    flag_cool_off = models.BooleanField(default=False)
    flag_project_team_repricing = models.BooleanField(default=False)
    flag_no_cap_in_force = models.BooleanField(default=False)
    explanations = models.JSONField(default=dict, blank=True, help_text="Flag code: the sentence explaining it.")
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    @property
    def flags(self) -> list[str]:
        return [code for code in Flag.values if getattr(self, Flag.column(code))]


class Placement(PlacementFields):
    """An agency worker's assignment with an LA, as its sender last described it."""

    # Database defaults, so rows written by COPY get them too.
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-start_date", "pk"]
        indexes = [
            models.Index(fields=["local_authority", "start_date"], name="placement_la_start_idx"),
            models.Index(fields=["worker_hash"], name="placement_worker_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["sender", "assignment_id"], name="placement_assignment_unique_per_sender"),
            models.CheckConstraint(
                name="placement_rates_in_bounds",
                condition=Q(hourly_pay_rate__gt=0, hourly_pay_rate__lte=MAX_UPLOAD_RATE)
                & Q(charge_rate__gt=0, charge_rate__lte=MAX_UPLOAD_RATE),
            ),
            models.CheckConstraint(
                name="placement_hours_in_bounds",
                condition=Q(hours_per_week__gt=0, hours_per_week__lte=MAX_HOURS_PER_WEEK),
            ),
            models.CheckConstraint(
                name="placement_ends_on_or_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
            ),
            models.CheckConstraint(name="placement_pqe_not_negative", condition=Q(pqe_years__gte=0)),
        ]

    def __str__(self) -> str:
        return f"Placement {self.assignment_id}"


class PlacementVersion(PlacementFields):
    """An earlier version of a placement, kept when a later upload replaced it."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="versions")
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by_upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"Earlier version of placement {self.assignment_id}"


class Leaver(models.Model):
    """A worker who left a permanent post at an LA (for the cool-off rule)."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="leavers")
    worker_hash = models.CharField(max_length=64)
    leave_date = models.DateField()
    leave_reason = models.CharField(max_length=30, choices=LeaveReason.choices)
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-leave_date", "pk"]
        indexes = [models.Index(fields=["worker_hash"], name="leaver_worker_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "worker_hash", "leave_date"], name="leaver_once_per_la_and_date"
            ),
        ]

    def __str__(self) -> str:
        return f"Leaver of {self.local_authority} on {self.leave_date}"
