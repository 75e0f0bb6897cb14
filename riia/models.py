"""The shared core: regions and their MOU settings, organisations, people and their roles,
notifications and the audit record."""

import uuid

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("Enter an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with their work email address."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin for reference data.")
    date_joined = models.DateTimeField(default=timezone.now)
    # A new value whenever what decides this person's access changes (their roles, or the organisations
    # those roles name): their memberships are cached between requests under it (riia.rules), and the
    # row is read on every request anyway, so a change shows on the very next one.
    access_version = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def get_full_name(self) -> str:
        return self.full_name

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        """Django lets an active superuser pass every check; here that holds only for checks without an
        object (the admin's model permissions). Rules about an object (this region, this breach request)
        hold for a superuser as for anyone: keeping the admin is not a role in every organisation, and
        the services, which ask the same rules directly, would refuse them anyway."""
        if obj is None:
            return super().has_perm(perm, obj)
        if not self.is_active:
            return False
        for backend in auth.get_backends():
            try:
                if hasattr(backend, "has_perm") and backend.has_perm(self, perm, obj):
                    return True
            except PermissionDenied:
                return False
        return False

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class LeaveReason(models.TextChoices):
    """Why a worker left a permanent post (the leavers upload's ``leave_reason``)."""

    RESIGNED = "resigned", "Resigned"
    RETIRED = "retired", "Retired"
    DISMISSED = "dismissed", "Dismissed"
    REDUNDANCY = "redundancy", "Redundancy"
    PROBATION = "probation", "Left during probation"
    END_OF_FIXED_TERM = "end_of_fixed_term", "End of fixed term"
    OTHER = "other", "Other"


def default_cool_off_exceptions() -> list[str]:
    return list(settings.RIIA_COOL_OFF_EXCEPTIONS_DEFAULT)


class Region(models.Model):
    """A Regional Improvement and Innovation Alliance (RIIA) and the settings of its MOU."""

    class DecisionLevel(models.TextChoices):
        REGIONAL = "regional", "Regionally, by the programme manager"
        SUB_REGIONAL = "sub_regional", "Sub-regionally, by the sub-regional lead"

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    ons_code = models.CharField("ONS region code", max_length=9, unique=True)
    programme_body = models.CharField(
        max_length=150, blank=True, help_text="Who runs the programme, e.g. West Midlands Employers."
    )
    cool_off_months = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(3)],
        help_text="Months a worker who left a permanent post in the region must wait before agency work here.",
    )
    cool_off_exceptions = models.JSONField(
        default=default_cool_off_exceptions,
        blank=True,
        help_text=(
            "Permanent leave reasons that do not start the cool-off period (LeaveReason codes, e.g. "
            "redundancy, probation). Not fixed nationally, so each region sets its own."
        ),
    )
    breach_decision_level = models.CharField(
        max_length=20, choices=DecisionLevel.choices, default=DecisionLevel.REGIONAL
    )
    regional_decision_required = models.BooleanField(
        default=True,
        help_text="Whether a regional (or sub-regional) decision follows the DCS and chief executive sign-off.",
    )
    help_contact = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who people in the region contact for help, shown in the page footer and in every email, "
        "e.g. 'Jane Smith, RIIA programme manager, riia@example.gov.uk, 020 7946 0000'.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cool_off_months__gte=3), name="region_cool_off_at_least_national_minimum"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SubRegionalGroup(models.Model):
    """A governance group of LAs inside a large region, chaired by a sub-regional lead."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(max_length=100)
    slug = models.SlugField()

    class Meta:
        ordering = ["region__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="group_name_unique_in_region"),
            models.UniqueConstraint(fields=["region", "slug"], name="group_slug_unique_in_region"),
        ]

    def __str__(self) -> str:
        return self.name


class LocalAuthority(models.Model):
    """A council or children's trust running children's social care. DfE codes are natural keys."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    old_code = models.CharField("DfE LA number", max_length=3, unique=True)
    new_code = models.CharField("ONS code", max_length=9, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="local_authorities")
    group = models.ForeignKey(
        SubRegionalGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="local_authorities"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name


class MSP(models.Model):
    """A managed service provider through which LAs hire agency workers."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(unique=True)
    local_authorities = models.ManyToManyField(LocalAuthority, related_name="msps", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "MSP"
        verbose_name_plural = "MSPs"

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """A recruitment business that supplies workers, often behind an MSP."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(unique=True)
    companies_house_number = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    WORKFORCE_LEAD = "workforce_lead", "Workforce lead"
    DCS = "dcs", "Director of Children's Services"
    CHIEF_EXECUTIVE = "chief_executive", "Chief executive"
    LA_VIEWER = "la_viewer", "Viewer"
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    SUB_REGIONAL_LEAD = "sub_regional_lead", "Sub-regional lead"
    RIIA_MEMBER = "riia_member", "RIIA member"
    MSP_UPLOADER = "msp_uploader", "MSP uploader"
    MSP_VIEWER = "msp_viewer", "MSP viewer"
    AGENCY_CONTACT = "agency_contact", "Agency contact"

    @classmethod
    def la_roles(cls) -> list["Role"]:
        return [cls.WORKFORCE_LEAD, cls.DCS, cls.CHIEF_EXECUTIVE, cls.LA_VIEWER]

    @classmethod
    def region_roles(cls) -> list["Role"]:
        return [cls.PROGRAMME_MANAGER, cls.SUB_REGIONAL_LEAD, cls.RIIA_MEMBER]

    @classmethod
    def msp_roles(cls) -> list["Role"]:
        return [cls.MSP_UPLOADER, cls.MSP_VIEWER]

    @classmethod
    def agency_roles(cls) -> list["Role"]:
        return [cls.AGENCY_CONTACT]


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> "MembershipQuerySet":
        return self.filter(ended_at__isnull=True)


class Membership(models.Model):
    """A person's role in one organisation. Exactly one organisation is set, of the kind the role
    belongs to; sub-regional leads also name their group. Ending a membership keeps its history."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships")
    group = models.ForeignKey(
        SubRegionalGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    msp = models.ForeignKey(MSP, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name", "role"]
        constraints = [
            models.CheckConstraint(
                name="membership_organisation_matches_role",
                condition=(
                    Q(
                        role__in=Role.la_roles(),
                        local_authority__isnull=False,
                        region__isnull=True,
                        group__isnull=True,
                        msp__isnull=True,
                        agency__isnull=True,
                    )
                    | Q(
                        role__in=[Role.PROGRAMME_MANAGER, Role.RIIA_MEMBER],
                        local_authority__isnull=True,
                        region__isnull=False,
                        group__isnull=True,
                        msp__isnull=True,
                        agency__isnull=True,
                    )
                    | Q(
                        role=Role.SUB_REGIONAL_LEAD,
                        local_authority__isnull=True,
                        region__isnull=False,
                        group__isnull=False,
                        msp__isnull=True,
                        agency__isnull=True,
                    )
                    | Q(
                        role__in=Role.msp_roles(),
                        local_authority__isnull=True,
                        region__isnull=True,
                        group__isnull=True,
                        msp__isnull=False,
                        agency__isnull=True,
                    )
                    | Q(
                        role__in=Role.agency_roles(),
                        local_authority__isnull=True,
                        region__isnull=True,
                        group__isnull=True,
                        msp__isnull=True,
                        agency__isnull=False,
                    )
                ),
            ),
            models.CheckConstraint(
                name="membership_ends_after_it_starts",
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "local_authority"],
                condition=Q(ended_at__isnull=True, local_authority__isnull=False),
                name="membership_one_current_la_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(ended_at__isnull=True, region__isnull=False, group__isnull=True),
                name="membership_one_current_region_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "group"],
                condition=Q(ended_at__isnull=True, group__isnull=False),
                name="membership_one_current_group_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "msp"],
                condition=Q(ended_at__isnull=True, msp__isnull=False),
                name="membership_one_current_msp_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "agency"],
                condition=Q(ended_at__isnull=True, agency__isnull=False),
                name="membership_one_current_agency_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.full_name}: {self.get_role_display()}, {self.organisation}"

    @property
    def organisation(self) -> models.Model | None:
        return self.local_authority or self.group or self.region or self.msp or self.agency

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class NotificationKind(models.TextChoices):
    """The kinds of event a person chooses how to be told about."""

    ACTION = "action", "Something waits for you: a signature, a decision, a sign-off or a review"
    OWN = "own", "News about your own organisation: its requests decided, returns, exemptions and case studies"
    REGION = "region", "News from across the region: other councils' breach decisions and new rate cards"

    @classmethod
    def default_delivery(cls, kind: str) -> str:
        """Region-wide news comes as a daily digest; a person's own business comes at once."""
        return NotificationDelivery.DIGEST if kind == cls.REGION else NotificationDelivery.IMMEDIATELY


class NotificationDelivery(models.TextChoices):
    IMMEDIATELY = "immediately", "By email straight away"
    DIGEST = "digest", "In one daily email (a digest)"
    IN_SERVICE = "in_service", "In the service only, no email"


class Notification(models.Model):
    """Something a person is told about, in the service and by email (straight away, in the daily
    digest, or not at all: ``delivery`` is the person's preference for ``kind`` when it was created)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True, help_text="Where in the service to act on it.")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices, default=NotificationKind.OWN)
    # What it is about, and that object's status when it was sent: the notifications page says when
    # the object has moved on since ("This request has since been approved").
    about_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    about_id = models.CharField(max_length=64, blank=True)
    about_status = models.CharField(max_length=40, blank=True)
    delivery = models.CharField(
        max_length=20, choices=NotificationDelivery.choices, default=NotificationDelivery.IMMEDIATELY
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(
                fields=["recipient"],
                name="notification_digest_due_idx",
                condition=Q(delivery="digest", emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    """How one person wants to be told about one kind of event. No row: the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    delivery = models.CharField(max_length=20, choices=NotificationDelivery.choices)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} — {self.get_delivery_display()}"


class AuditRecord(models.Model):
    """Append-only record of who did what, when, to which object, with before and after values.
    Written only by ``riia.services.audit_record``; PostgreSQL refuses updates and deletes."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text="Who acted, kept even if the person is renamed.")
    action = models.CharField(max_length=100, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class ApiKeyManager(APIKeyManager):
    def assign_key(self, obj: "ApiKey") -> str:
        # The library's primary key is "<prefix>.<hash>"; ours is a plain integer, so that no URL,
        # audit record or log line ever carries the hash.
        key = super().assign_key(obj)
        obj.id = None
        return key


class ApiKey(AbstractAPIKey):
    """A key that lets one organisation (an MSP, or an LA) call the API without a person signing in.
    Only its hash is stored (djangorestframework-api-key); the key itself is shown once, when made.
    Made and revoked only by ``riia.services_keys``."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    id = models.BigAutoField(primary_key=True)
    msp = models.ForeignKey(MSP, on_delete=models.PROTECT, null=True, blank=True, related_name="api_keys")
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="api_keys"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when an operator made it with the management command.",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ApiKeyManager()

    class Meta(AbstractAPIKey.Meta):
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="api_key_belongs_to_one_organisation",
                condition=Q(msp__isnull=False, local_authority__isnull=True)
                | Q(msp__isnull=True, local_authority__isnull=False),
            ),
            models.CheckConstraint(
                name="api_key_revoked_when_revoked_at",
                condition=Q(revoked=False, revoked_at__isnull=True) | Q(revoked=True, revoked_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}) for {self.organisation}"

    @property
    def organisation(self) -> MSP | LocalAuthority:
        return self.msp or self.local_authority

    @property
    def kind(self) -> str:
        return "msp" if self.msp_id else "la"

    @property
    def status(self) -> "ApiKey.Status":
        if self.revoked:
            return self.Status.REVOKED
        if self.has_expired:
            return self.Status.EXPIRED
        return self.Status.ACTIVE


class OutboxMessage(models.Model):
    """A Celery task to send, written in the same transaction as the change that asks for it (the
    transactional outbox): if the change commits, the task is sent sooner or later, even when the
    broker (Redis) was down at the time; if it rolls back, nothing is sent. ``riia.outbox`` writes,
    publishes and relays these rows; nothing else does."""

    task = models.CharField(max_length=200, help_text="The Celery task's registered name.")
    args = models.JSONField(default=list, blank=True, help_text="Its positional arguments (ids, labels).")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="Handed to the broker at.")
    attempts = models.PositiveIntegerField(default=0, help_text="Publish attempts that failed.")
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # The relay's read: unsent messages, oldest first (a small partial index, however large the
            # table of sent ones grows).
            models.Index(fields=["created_at", "id"], condition=Q(sent_at__isnull=True), name="riia_outbox_unsent"),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)} {'sent' if self.sent_at else 'unsent'}"
