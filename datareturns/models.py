"""Placement data sent by MSPs (and LAs without one), permanent leavers, and the uploads that
brought them. A worker is known only by a keyed hash of their registration number
(``riia.privacy.registration_hash``); the number itself is never stored."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from rates.models import MONEY, CoreJobType, EngagementType, RoleGrade
from riia.models import MSP, Agency, LeaveReason, LocalAuthority

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


class ReturnStatus(models.TextChoices):
    """Where an LA's quarterly return is. "Not started" is the absence of a return; "late" is worked
    out from the region's due date, not stored."""

    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    SIGNED_OFF = "signed_off", "Signed off"


class QuarterlyReturn(models.Model):
    """An LA's return for one calendar quarter (``quarter`` like ``2025-Q1``): the placements come from
    the uploads; the LA adds its workforce figures, compliance and narrative; its DCS signs it off."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="returns")
    quarter = models.CharField(max_length=7)
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.IN_PROGRESS)
    narrative = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-quarter", "local_authority__name"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "quarter"], name="return_once_per_la_and_quarter"),
            models.CheckConstraint(name="return_quarter_label", condition=Q(quarter__regex=r"^\d{4}-Q[1-4]$")),
            models.CheckConstraint(
                name="return_signed_off_has_signature",
                condition=~Q(status=ReturnStatus.SIGNED_OFF)
                | Q(signed_off_at__isnull=False, signed_off_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_authority} return for {self.quarter}"


class ReturnRoleFigures(models.Model):
    """The workforce figures an LA enters for one core role in a return. Blank means not entered."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="role_figures")
    core_type = models.CharField(max_length=30, choices=CoreJobType.choices)
    employed_fte = models.DecimalField(
        "Employed (permanent) FTE", max_digits=7, decimal_places=2, null=True, blank=True
    )
    vacancies_fte = models.DecimalField("Vacancies FTE", max_digits=7, decimal_places=2, null=True, blank=True)
    conversions = models.PositiveIntegerField("Agency-to-permanent conversions", null=True, blank=True)
    leavers = models.PositiveIntegerField("Permanent leavers", null=True, blank=True)

    class Meta:
        ordering = ["quarterly_return", "core_type"]
        constraints = [
            models.UniqueConstraint(fields=["quarterly_return", "core_type"], name="return_figures_once_per_role"),
            models.CheckConstraint(
                name="return_figures_not_negative",
                condition=(Q(employed_fte__isnull=True) | Q(employed_fte__gte=0))
                & (Q(vacancies_fte__isnull=True) | Q(vacancies_fte__gte=0)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_core_type_display()} figures of {self.quarterly_return}"


class ScopeKind(models.TextChoices):
    LA = "la", "Local authority"
    GROUP = "group", "Sub-regional group"
    REGION = "region", "Region"
    ENGLAND = "england", "England"


class BenchmarkSnapshot(models.Model):
    """The current benchmarking snapshot of one scope: when it was computed and what it includes.

    ``scope`` is the API's label: ``england``, ``region:<slug>``, ``group:<region-slug>/<group-slug>``
    or ``la:<ONS code>``. A recompute replaces a scope's rows and this record in one transaction, so a
    reader sees the old snapshot or the new one, never a mixture."""

    scope = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=ScopeKind.choices)
    region = models.ForeignKey("riia.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    group = models.ForeignKey(
        "riia.SubRegionalGroup", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    latest_upload = models.ForeignKey(Upload, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    latest_return = models.ForeignKey(
        QuarterlyReturn, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    queued_at = models.DateTimeField(null=True, blank=True, help_text="A recompute is queued or running since.")
    started_at = models.DateTimeField(
        null=True, blank=True, help_text="The running recompute read the data at this time (debouncing)."
    )

    class Meta:
        ordering = ["kind", "scope"]

    def __str__(self) -> str:
        return f"Benchmark snapshot of {self.scope}"


class BenchmarkRow(models.Model):
    """One scope × quarter × role of a snapshot, with the metrics the issue defines (names are the API
    contract). Blank (NULL) means "no value", as the definitions say."""

    snapshot = models.ForeignKey(BenchmarkSnapshot, on_delete=models.CASCADE, related_name="rows")
    quarter = models.CharField(max_length=7)
    role = models.CharField(max_length=30, help_text="A core job type code, or 'all'.")
    placements = models.PositiveIntegerField(default=0)
    previous_placements = models.PositiveIntegerField(null=True, blank=True)
    agency_fte = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    median_pay = models.DecimalField(**MONEY, null=True, blank=True)
    mean_pay = models.DecimalField(**MONEY, null=True, blank=True)
    cap = models.DecimalField(**MONEY, null=True, blank=True)
    above_cap = models.PositiveIntegerField(default=0)
    above_cap_authorised = models.PositiveIntegerField(default=0)
    above_cap_unauthorised = models.PositiveIntegerField(default=0)
    share_above_cap = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    spend = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    returns_signed_off = models.PositiveIntegerField(default=0)
    las_in_scope = models.PositiveIntegerField(default=0)
    employed_fte = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    agency_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    conversions = models.PositiveIntegerField(null=True, blank=True)
    cool_off_flags = models.PositiveIntegerField(default=0)
    pqe_flags = models.PositiveIntegerField(default=0)
    project_team_repricing_flags = models.PositiveIntegerField(default=0)
    change_placements = models.IntegerField(null=True, blank=True)
    change_median_pay = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    change_share_above_cap = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    change_agency_rate = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["snapshot", "quarter", "role"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "quarter", "role"], name="benchmark_row_once_per_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot.scope} {self.quarter} {self.role}"


# --- Quarterly return workflow (issue 10) ---------------------------------------------------------


class ComplianceRule(models.TextChoices):
    """The rules a return says the LA complied with (or why not), as DfE's collection asks."""

    PRICE_CAP = "price_cap", "Price cap"
    COOL_OFF = "cool_off", "Cool-off period"
    PQE = "pqe", "Post-qualified experience (3 years or more)"
    NOTICE = "notice", "Notice period"
    PROJECT_TEAM = "project_team", "Project-team workers identified and priced"


class ReturnCompliance(models.Model):
    """Whether the LA complied with one rule in the quarter, and why not where it did not."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="compliance")
    rule = models.CharField(max_length=20, choices=ComplianceRule.choices)
    complied = models.BooleanField(null=True, blank=True, help_text="Blank means not answered yet.")
    reason = models.TextField(blank=True, help_text="Why not, where the LA did not comply.")

    class Meta:
        ordering = ["quarterly_return", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["quarterly_return", "rule"], name="return_compliance_once_per_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} compliance of {self.quarterly_return}"


class ReturnAgency(models.Model):
    """An agency whose behaviour affected the LA's compliance in the quarter, and how."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="agencies")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    how = models.TextField(blank=True)

    class Meta:
        ordering = ["quarterly_return", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["quarterly_return", "agency"], name="return_agency_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} in {self.quarterly_return}"


class ReturnReopening(models.Model):
    """A programme manager unlocked a signed-off return, and why (kept for every reopening)."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="reopenings")
    reason = models.TextField()
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(default=timezone.now)
    was_signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reopened_at", "-pk"]

    def __str__(self) -> str:
        return f"Reopening of {self.quarterly_return}"


class ReturnDueDate(models.Model):
    """A region's due date for one quarter's returns. Without a row the due date is the default:
    the last day of the second month after the quarter ends (DfE's window: 2025-Q1 was due 31 May)."""

    region = models.ForeignKey("riia.Region", on_delete=models.CASCADE, related_name="return_due_dates")
    quarter = models.CharField(max_length=7)
    due_on = models.DateField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["region", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["region", "quarter"], name="return_due_date_once_per_region_quarter"),
            models.CheckConstraint(name="return_due_date_quarter_label", condition=Q(quarter__regex=r"^\d{4}-Q[1-4]$")),
        ]

    def __str__(self) -> str:
        return f"{self.region} returns for {self.quarter} due {self.due_on}"


class ReturnReminder(models.Model):
    """A scheduled reminder sent to an LA for a quarter: each kind once (the unique constraint makes
    the beat task safe to run twice)."""

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", "7 days before the due date"
        AFTER_DUE = "after_due", "The day after the due date"

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    quarter = models.CharField(max_length=7)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "quarter", "kind"], name="return_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder to {self.local_authority} for {self.quarter}"


class CheckTally(models.Model):
    """How many pre-offer checks one API key (or one person on the page) made in a day, and how many
    proposed placements they held: the check's audit, a count per key per day, not a row per check
    (``datareturns.prechecks.check_tally_add``). ``sender`` is ``msp:<id>`` or ``la:<id>``, as on an
    upload; exactly one of ``api_key`` and ``user`` is set."""

    sender = models.CharField(max_length=30)
    msp = models.ForeignKey(MSP, on_delete=models.PROTECT, null=True, blank=True, related_name="check_tallies")
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="check_tallies"
    )
    api_key = models.ForeignKey(
        "riia.ApiKey", on_delete=models.PROTECT, null=True, blank=True, related_name="check_tallies"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="check_tallies"
    )
    day = models.DateField()
    checks = models.PositiveIntegerField(default=0, help_text="Requests (or page checks) that were answered.")
    rows = models.PositiveIntegerField(default=0, help_text="Proposed placements in them.")

    class Meta:
        ordering = ["-day", "sender"]
        constraints = [
            models.CheckConstraint(
                condition=Q(api_key__isnull=True, user__isnull=False) | Q(api_key__isnull=False, user__isnull=True),
                name="check_tally_key_or_person",
            ),
            models.UniqueConstraint(
                fields=["sender", "api_key", "day"], condition=Q(api_key__isnull=False), name="check_tally_key_day"
            ),
            models.UniqueConstraint(
                fields=["sender", "user", "day"], condition=Q(user__isnull=False), name="check_tally_person_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.checks} checks by {self.api_key or self.user}"


class BenchmarkPartial(models.Model):
    """Stage 1 of the benchmarks: one LA's placements active in one quarter with one core type and one
    hourly pay (in pence), as additive sums. Every figure of every scope is read off these rows (the LA's
    own) or off BenchmarkDistribution (the same sums added over a group's, region's or England's LAs).
    Money and hours are integers: pence, hundredths of an hour, and spend × 7 in 1/10,000 pence·hours."""

    # No database constraint: derived rows written in bulk, where 300,000 deferred checks would cost more
    # than the insert (and would stop TRUNCATE in the transaction that wrote them).
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    quarter = models.CharField(max_length=7)
    core = models.PositiveSmallIntegerField(help_text="1-based position of the core type in CoreJobType.")
    pay = models.IntegerField(help_text="Hourly pay rate in pence.")
    placements = models.IntegerField()
    hours = models.BigIntegerField(help_text="Σ hours per week, in hundredths.")
    spend7 = models.BigIntegerField(help_text="Σ charge (pence) × hours (hundredths) × days in the quarter.")
    authorised = models.IntegerField()
    unauthorised = models.IntegerField()
    cool_off = models.IntegerField()
    pqe = models.IntegerField()
    repricing = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "quarter", "core", "pay"], name="benchmark_partial_once_per_pay"
            ),
        ]

    def __str__(self) -> str:
        return f"Benchmark partial {self.local_authority_id} {self.quarter} {self.core} {self.pay}"


class BenchmarkDistribution(models.Model):
    """BenchmarkPartial added over the LAs of a group (level 1), a region (2) or England (3, scope_id 0);
    kept up to date by adding each LA's new − old partials (INSERT … ON CONFLICT DO UPDATE), rebuilt
    whole by a full recompute."""

    level = models.PositiveSmallIntegerField()
    scope_id = models.IntegerField()
    quarter = models.CharField(max_length=7)
    core = models.PositiveSmallIntegerField()
    pay = models.IntegerField()
    placements = models.IntegerField()
    hours = models.BigIntegerField()
    spend7 = models.BigIntegerField()
    authorised = models.IntegerField()
    unauthorised = models.IntegerField()
    cool_off = models.IntegerField()
    pqe = models.IntegerField()
    repricing = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "scope_id", "quarter", "core", "pay"], name="benchmark_distribution_once_per_pay"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.checks} checks by {self.api_key or self.user}"

        return f"Benchmark distribution {self.level}:{self.scope_id} {self.quarter} {self.core} {self.pay}"


class BenchmarkPartialState(models.Model):
    """Which quarters an LA's BenchmarkPartial rows run through; locked while they are rebuilt (so
    concurrent rebuilds of one LA queue up)."""

    local_authority = models.OneToOneField(LocalAuthority, on_delete=models.CASCADE, primary_key=True, related_name="+")
    through = models.CharField(max_length=7, help_text="The last quarter the partials cover.")
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Benchmark partials of LA {self.local_authority_id} through {self.through}"
