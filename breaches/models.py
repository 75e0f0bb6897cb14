"""Breach requests (LA asks permission; DCS and chief executive sign; the region decides), the
breach register (what happened, with or without permission), sanctions and the training fund."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from rates.models import MAX_HOURLY_RATE, MONEY, EngagementType, PriceCap, RoleGrade
from riia.models import MSP, Agency, LocalAuthority, Region, Role


class BreachRequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGNATURES = "awaiting_signatures", "Awaiting DCS and chief executive"
    RETURNED = "returned", "Returned for changes"
    AWAITING_DECISION = "awaiting_decision", "Awaiting regional decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"

    @classmethod
    def editable(cls) -> list[str]:
        return [cls.DRAFT, cls.RETURNED]

    @classmethod
    def open(cls) -> list[str]:
        return [cls.DRAFT, cls.AWAITING_SIGNATURES, cls.RETURNED, cls.AWAITING_DECISION]

    @classmethod
    def decided(cls) -> list[str]:
        return [cls.APPROVED, cls.REJECTED]


class ReasonCategory(models.TextChoices):
    HARD_TO_FILL = "hard_to_fill", "Hard-to-fill post after repeated recruitment"
    CASELOAD_RISK = "caseload_risk", "Caseload or safeguarding risk"
    SPECIALIST_SKILLS = "specialist_skills", "Specialist skills or experience"
    INSPECTION = "inspection", "Inspection or improvement notice"
    PROJECT_TEAM = "project_team", "Project team or packaged model"
    OTHER = "other", "Other"


class BreachRequest(models.Model):
    """An LA's request for permission to breach the MOU (today: pay above the cap). ``reference`` is
    stable and can be cited by placements. The cap figures are frozen when the request is submitted."""

    reference = models.CharField(max_length=20, unique=True)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="breach_requests")
    status = models.CharField(
        max_length=30, choices=BreachRequestStatus.choices, default=BreachRequestStatus.DRAFT, db_index=True
    )
    role_grade = models.ForeignKey(RoleGrade, on_delete=models.PROTECT, related_name="breach_requests")
    engagement_type = models.CharField(
        max_length=20, choices=EngagementType.choices, default=EngagementType.LIMITED_COMPANY
    )
    proposed_rate = models.DecimalField("Proposed hourly rate", **MONEY)
    number_of_roles = models.PositiveSmallIntegerField()
    contract_start = models.DateField()
    contract_end = models.DateField()
    reason_category = models.CharField(max_length=30, choices=ReasonCategory.choices)
    reason = models.TextField()
    is_project_team = models.BooleanField(default=False)
    confirms_no_other_breach = models.BooleanField(
        default=False, help_text="No other term of the agreement (such as the cool-off period) will be breached."
    )
    # Submission round: 1 on first submission, +1 each time a returned request is submitted again.
    # Signatures belong to a round, so a resubmitted request is signed afresh.
    round = models.PositiveSmallIntegerField(default=0)

    # Frozen at submission.
    price_cap = models.ForeignKey(PriceCap, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cap_rate = models.DecimalField(**MONEY, null=True, blank=True)
    allowed_rate = models.DecimalField(**MONEY, null=True, blank=True, help_text="The cap, or a live exemption's rate.")
    over_by = models.DecimalField(**MONEY, null=True, blank=True)
    over_by_percent = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="breachrequest_rate_in_bounds",
                condition=Q(proposed_rate__gt=0, proposed_rate__lte=MAX_HOURLY_RATE),
            ),
            models.CheckConstraint(name="breachrequest_at_least_one_role", condition=Q(number_of_roles__gte=1)),
            models.CheckConstraint(
                name="breachrequest_contract_ends_after_start", condition=Q(contract_end__gte=F("contract_start"))
            ),
            # A request that has been submitted carries its frozen cap; a draft, and a draft withdrawn
            # before it was ever submitted (round 0), have none.
            models.CheckConstraint(
                name="breachrequest_submitted_has_frozen_cap",
                condition=Q(status__in=[BreachRequestStatus.DRAFT])
                | Q(status=BreachRequestStatus.WITHDRAWN, round=0, submitted_at__isnull=True)
                | Q(submitted_at__isnull=False, cap_rate__isnull=False, allowed_rate__isnull=False, round__gte=1),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.local_authority}: {self.role_grade} at £{self.proposed_rate}/h"

    # What a notification about a request says once the request has moved on to this status
    # (riia.selectors.notifications_moved_on).
    MOVED_ON = {
        BreachRequestStatus.DRAFT: "This request has since been changed back to a draft.",
        BreachRequestStatus.AWAITING_SIGNATURES: "This request has since been sent again for signatures.",
        BreachRequestStatus.RETURNED: "This request has since been returned for changes.",
        BreachRequestStatus.AWAITING_DECISION: "This request has since been signed and is waiting for a decision.",
        BreachRequestStatus.APPROVED: "This request has since been decided: it was approved.",
        BreachRequestStatus.REJECTED: "This request has since been decided: it was rejected.",
        BreachRequestStatus.WITHDRAWN: "This request has since been withdrawn.",
    }

    @property
    def region(self) -> Region:
        return self.local_authority.region


class Signature(models.Model):
    """A DCS or chief executive signing their LA's request in one submission round. The database
    keeps each role and each person to one signature per round, so two different people sign."""

    SIGNING_ROLES = [Role.DCS, Role.CHIEF_EXECUTIVE]

    breach_request = models.ForeignKey(BreachRequest, on_delete=models.CASCADE, related_name="signatures")
    round = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=30, choices=[(r.value, r.label) for r in SIGNING_ROLES])
    signatory = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.CheckConstraint(
                name="signature_role_is_dcs_or_ce", condition=Q(role__in=["dcs", "chief_executive"])
            ),
            models.UniqueConstraint(
                fields=["breach_request", "round", "role"], name="signature_one_per_role_per_round"
            ),
            models.UniqueConstraint(
                fields=["breach_request", "round", "signatory"], name="signature_one_per_person_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} signature on {self.breach_request.reference}"


class ReturnNote(models.Model):
    """A request sent back to the LA for changes or more information, with the reason."""

    class Stage(models.TextChoices):
        SIGN_OFF = "sign_off", "At DCS / chief executive sign-off"
        DECISION = "decision", "At regional decision"

    breach_request = models.ForeignKey(BreachRequest, on_delete=models.CASCADE, related_name="return_notes")
    round = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=20, choices=Stage.choices)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.CheckConstraint(name="returnnote_has_comment", condition=~Q(comment=""))]

    def __str__(self) -> str:
        return f"Returned {self.breach_request.reference}: {self.comment[:40]}"


class Decision(models.Model):
    """The region's (or sub-region's) final decision on a request. One per request, enforced by the
    database; the deciding service locks the request row first so a second decider is told cleanly."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    breach_request = models.OneToOneField(BreachRequest, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    conditions = models.TextField(blank=True)
    expires_on = models.DateField(null=True, blank=True, help_text="Approval lapses after this date.")
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the MOU needs no regional decision and DCS + chief executive sign-off approved it.",
    )
    decided_as = models.CharField(max_length=30, choices=Role.choices, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                name="decision_conditions_only_when_approved",
                condition=Q(outcome="approved") | (Q(conditions="") & Q(expires_on__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.breach_request.reference}"


class BreachType(models.TextChoices):
    PAY_RATE = "pay_rate", "Pay rate above cap"
    COOL_OFF = "cool_off", "Cool-off period"
    PQE = "pqe", "Post-qualified experience under 3 years"
    NOTICE = "notice", "Notice period"
    OTHER = "other", "Other"


class PreventsRepeat(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    NOT_YET_KNOWN = "not_yet_known", "Not yet known"


class BreachRecord(models.Model):
    """A breach that happened, with or without permission: what, why, the actions taken and whether
    they prevent a repeat. Entries may be suggested by the system (from MSP placement data, a later
    issue) and then confirmed or dismissed by the programme manager."""

    class Source(models.TextChoices):
        RECORDED = "recorded", "Recorded by a person"
        SUGGESTED = "suggested", "Suggested from placement data"

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        SUGGESTED = "suggested", "Suggested, to review"
        DISMISSED = "dismissed", "Dismissed"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="breach_records")
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="breach_records")
    breach_type = models.CharField(max_length=20, choices=BreachType.choices)
    occurred_on = models.DateField()
    role_grade = models.ForeignKey(RoleGrade, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    hourly_rate = models.DecimalField(**MONEY, null=True, blank=True)
    msp = models.ForeignKey(MSP, on_delete=models.PROTECT, null=True, blank=True, related_name="breach_records")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="breach_records")
    description = models.TextField()
    reason = models.TextField()
    actions_taken = models.TextField(blank=True)
    prevents_repeat = models.CharField(
        max_length=20, choices=PreventsRepeat.choices, default=PreventsRepeat.NOT_YET_KNOWN
    )
    with_permission = models.BooleanField(default=False)
    breach_request = models.ForeignKey(
        BreachRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="breach_records"
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.RECORDED)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    # Link point for breaches detected from MSP data: the placement row that suggested it.
    source_reference = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["region", "occurred_on"], name="breachrecord_region_date_idx")]
        constraints = [
            models.CheckConstraint(
                name="breachrecord_permission_needs_request",
                condition=Q(with_permission=False) | Q(breach_request__isnull=False),
            ),
            models.CheckConstraint(
                name="breachrecord_suggestions_come_from_the_system",
                condition=Q(source="suggested") | ~Q(status="suggested"),
            ),
            models.UniqueConstraint(
                fields=["region", "source_reference"],
                condition=~Q(source_reference=""),
                name="breachrecord_one_per_source_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_breach_type_display()} at {self.local_authority} on {self.occurred_on}"


class SanctionPolicy(models.Model):
    """A region's agreed sanction, e.g. a small fine for breaching without permission."""

    class Kind(models.TextChoices):
        FINE = "fine", "Fine"
        WARNING = "warning", "Warning"
        ESCALATION = "escalation", "Escalation to the DCS group"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="sanction_policies")
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    default_amount = models.DecimalField(**MONEY, null=True, blank=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["region__name", "name"]
        verbose_name_plural = "sanction policies"
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="sanctionpolicy_name_unique_in_region"),
            models.CheckConstraint(
                name="sanctionpolicy_fine_has_amount",
                condition=(Q(kind="fine") & Q(default_amount__gt=0))
                | (~Q(kind="fine") & Q(default_amount__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Sanction(models.Model):
    """A sanction applied by the programme manager to one LA, MSP or agency for one or more recorded
    breaches. Issued, then paid or waived."""

    class Status(models.TextChoices):
        ISSUED = "issued", "Issued"
        PAID = "paid", "Paid"
        WAIVED = "waived", "Waived"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="sanctions")
    policy = models.ForeignKey(SanctionPolicy, on_delete=models.PROTECT, related_name="sanctions")
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="sanctions"
    )
    msp = models.ForeignKey(MSP, on_delete=models.PROTECT, null=True, blank=True, related_name="sanctions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="sanctions")
    breach_records = models.ManyToManyField(BreachRecord, related_name="sanctions")
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ISSUED)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(default=timezone.localdate)
    paid_on = models.DateField(null=True, blank=True)
    waived_on = models.DateField(null=True, blank=True)
    waived_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="sanction_exactly_one_target",
                condition=(
                    Q(local_authority__isnull=False, msp__isnull=True, agency__isnull=True)
                    | Q(local_authority__isnull=True, msp__isnull=False, agency__isnull=True)
                    | Q(local_authority__isnull=True, msp__isnull=True, agency__isnull=False)
                ),
            ),
            models.CheckConstraint(name="sanction_amount_positive", condition=Q(amount__isnull=True) | Q(amount__gt=0)),
            models.CheckConstraint(
                name="sanction_status_dates",
                condition=Q(status="issued", paid_on__isnull=True, waived_on__isnull=True)
                | Q(status="paid", paid_on__isnull=False, waived_on__isnull=True)
                | Q(status="waived", waived_on__isnull=False, paid_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} for {self.target}"

    @property
    def target(self) -> models.Model:
        return self.local_authority or self.msp or self.agency


class TrainingFundEntry(models.Model):
    """The region's training fund ledger: fines paid in, training spend out. The balance is the sum."""

    class Kind(models.TextChoices):
        FINE_PAID = "fine_paid", "Fine paid in"
        TRAINING_SPEND = "training_spend", "Training spend"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="training_fund_entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(**MONEY, help_text="Always positive; the kind says which way it goes.")
    sanction = models.OneToOneField(
        Sanction, on_delete=models.PROTECT, null=True, blank=True, related_name="fund_entry"
    )
    description = models.CharField(max_length=300)
    occurred_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_on", "pk"]
        verbose_name_plural = "training fund entries"
        constraints = [
            models.CheckConstraint(name="fundentry_amount_positive", condition=Q(amount__gt=Decimal("0"))),
            models.CheckConstraint(
                name="fundentry_fines_come_from_sanctions",
                condition=(Q(kind="fine_paid") & Q(sanction__isnull=False))
                | (Q(kind="training_spend") & Q(sanction__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} £{self.amount} on {self.occurred_on}"
