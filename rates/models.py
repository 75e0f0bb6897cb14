"""Role grades, price caps (published as rate cards, per region) and exemptions."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from riia.models import LocalAuthority, Region

# Caps in use are £25-£50 an hour; anything above this is a typing slip, not a cap.
MAX_HOURLY_RATE = Decimal("150.00")
EXEMPTION_WARNING_DAYS = 14  # people are told this many days before an exemption ends
MONEY = {"max_digits": 7, "decimal_places": 2}


class CoreJobType(models.TextChoices):
    """The national core job types every rate card must price."""

    SOCIAL_WORKER = "social_worker", "Social worker"
    SENIOR_SOCIAL_WORKER = "senior_social_worker", "Senior social worker"
    ADVANCED_PRACTITIONER = "advanced_practitioner", "Advanced practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    IRO_CP_CHAIR = "iro_cp_chair", "Independent reviewing officer / child protection chair"


class EngagementType(models.TextChoices):
    LIMITED_COMPANY = "limited_company", "Limited company"
    UMBRELLA = "umbrella", "Umbrella company"
    PAYE = "paye", "PAYE (agency payroll)"


class RoleGrade(models.Model):
    """A role that can be priced: one of the five national core types, or a region's local grade
    mapped to one (e.g. "assistant team manager" → advanced practitioner)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    core_type = models.CharField(max_length=30, choices=CoreJobType.choices)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_grades",
        help_text="Empty for a national core grade; the region for a local grade.",
    )
    display_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["display_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["core_type"],
                condition=Q(region__isnull=True),
                name="rolegrade_one_national_grade_per_core_type",
            ),
            models.UniqueConstraint(fields=["region", "name"], name="rolegrade_local_name_unique_in_region"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_core(self) -> bool:
        return self.region_id is None


class RateCard(models.Model):
    """A set of caps for a region taking effect on one date, drafted then published by the
    region's programme manager. Publishing turns its lines into PriceCaps."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="rate_cards")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["region__name", "-effective_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="ratecard_published_has_date_and_publisher",
                condition=Q(status="draft")
                | Q(effective_from__isnull=False, published_by__isnull=False, published_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        when = f"from {self.effective_from:%-d %B %Y}" if self.effective_from else "(no date yet)"
        return f"{self.region} rate card {when}"


class RateCardLine(models.Model):
    """One role's proposed cap on a rate card (limited company / umbrella hourly rate)."""

    rate_card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="lines")
    role_grade = models.ForeignKey(RoleGrade, on_delete=models.PROTECT, related_name="+")
    hourly_rate = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        ordering = ["role_grade__display_order", "role_grade__name"]
        constraints = [
            models.UniqueConstraint(fields=["rate_card", "role_grade"], name="ratecardline_one_per_role"),
            models.CheckConstraint(
                name="ratecardline_rate_in_bounds", condition=Q(hourly_rate__gt=0, hourly_rate__lte=MAX_HOURLY_RATE)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_grade}: £{self.hourly_rate}/h"


class PriceCap(models.Model):
    """The hourly cap for a role in a region over a period. For limited-company and umbrella workers
    the cap includes employer NI, holiday pay and the apprenticeship levy; ``paye_hourly_rate`` is the
    same cap with those removed, derived when the cap is published and stored so it never drifts.
    Periods for the same region and role never overlap (PostgreSQL exclusion constraint, migration 0002)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="price_caps")
    role_grade = models.ForeignKey(RoleGrade, on_delete=models.PROTECT, related_name="price_caps")
    rate_card = models.ForeignKey(RateCard, on_delete=models.PROTECT, related_name="price_caps")
    hourly_rate = models.DecimalField("Limited company / umbrella hourly cap", **MONEY)
    paye_hourly_rate = models.DecimalField("PAYE hourly cap", **MONEY)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True, help_text="Last day in force; empty while open-ended.")

    class Meta:
        ordering = ["region__name", "role_grade__display_order", "-effective_from"]
        indexes = [models.Index(fields=["region", "role_grade", "effective_from"], name="pricecap_lookup_idx")]
        constraints = [
            models.CheckConstraint(
                name="pricecap_rates_in_bounds",
                condition=Q(hourly_rate__gt=0, hourly_rate__lte=MAX_HOURLY_RATE, paye_hourly_rate__gt=0)
                & Q(paye_hourly_rate__lte=F("hourly_rate")),
            ),
            models.CheckConstraint(
                name="pricecap_ends_on_or_after_start",
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_grade} £{self.hourly_rate}/h in {self.region} from {self.effective_from}"

    def rate_for(self, engagement_type: str) -> Decimal:
        return self.paye_hourly_rate if engagement_type == EngagementType.PAYE else self.hourly_rate


class Exemption(models.Model):
    """An agreed exemption: an LA may pay up to ``hourly_rate`` for a role while in date. Always has
    an end date and a plan (West Midlands practice: exemptions are time-limited with a plan)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="exemptions")
    role_grade = models.ForeignKey(RoleGrade, on_delete=models.PROTECT, related_name="exemptions")
    hourly_rate = models.DecimalField("Allowed limited company / umbrella hourly rate", **MONEY)
    paye_hourly_rate = models.DecimalField("Allowed PAYE hourly rate", **MONEY)
    starts_on = models.DateField()
    ends_on = models.DateField()
    plan = models.TextField(help_text="How the LA will return to the cap by the end date.")
    agreed_by = models.CharField(max_length=200, help_text="Who agreed it, e.g. the regional DCS group on 3 March.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    ending_warning_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="exemption_ends_on_or_after_start", condition=Q(ends_on__gte=F("starts_on"))),
            models.CheckConstraint(
                name="exemption_rates_in_bounds",
                condition=Q(hourly_rate__gt=0, hourly_rate__lte=MAX_HOURLY_RATE, paye_hourly_rate__gt=0)
                & Q(paye_hourly_rate__lte=F("hourly_rate")),
            ),
            models.CheckConstraint(name="exemption_has_plan", condition=~Q(plan="")),
        ]

    def __str__(self) -> str:
        return f"{self.local_authority}: {self.role_grade} up to £{self.hourly_rate}/h until {self.ends_on}"

    def rate_for(self, engagement_type: str) -> Decimal:
        return self.paye_hourly_rate if engagement_type == EngagementType.PAYE else self.hourly_rate
