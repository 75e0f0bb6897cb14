"""Escalations raised by any party to the MOU and handled by the region's programme manager.

Kept in an app of its own (not in ``riia/``): the shared core is changed by every other app, and the
governance objects have their own lifecycle, pages and migrations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from riia.models import MSP, Agency, LocalAuthority, Region


class EscalationStatus(models.TextChoices):
    RAISED = "raised", "Raised"
    NEEDS_INFORMATION = "needs_information", "Needs information"
    ACCEPTED = "accepted", "Accepted"
    NOT_FOR_US = "not_for_us", "Not for us"
    CLOSED = "closed", "Closed"

    @classmethod
    def open_statuses(cls) -> list["EscalationStatus"]:
        return [cls.RAISED, cls.NEEDS_INFORMATION, cls.ACCEPTED]

    @classmethod
    def finished_statuses(cls) -> list["EscalationStatus"]:
        return [cls.NOT_FOR_US, cls.CLOSED]


def _evidence_upload_to(instance: "Escalation", filename: str) -> str:
    # Opaque stored name, as for case-study resources; the person's file name is kept for downloads.
    import uuid

    return f"governance/escalations/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Escalation(models.Model):
    """A concern about an agency, an MSP or an LA, raised with the region's single point of contact."""

    class Kind(models.TextChoices):
        INCORRECT_RATE = "incorrect_rate", "Role advertised at an incorrect rate"
        SOLICITING = "soliciting", "Soliciting or headhunting"
        PROJECT_TEAM_ABOVE_CAP = "project_team_above_cap", "Project team offered above the cap"
        COOL_OFF = "cool_off", "Cool-off concern"
        INACCURATE_ADVERTISING = "inaccurate_advertising", "Inaccurate advertising"
        OTHER = "other", "Other"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="escalations")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="escalations")
    raised_for = models.CharField(
        max_length=200, help_text="The organisation the raiser spoke for, kept as it was when raised."
    )
    raised_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField("type", max_length=30, choices=Kind.choices)
    what_happened = models.TextField()
    occurred_on = models.DateField("when it happened")
    agencies = models.ManyToManyField(Agency, blank=True, related_name="escalations")
    msps = models.ManyToManyField(MSP, blank=True, related_name="escalations")
    local_authorities = models.ManyToManyField(LocalAuthority, blank=True, related_name="escalations")
    involved_description = models.CharField("who else is involved", max_length=300, blank=True)
    evidence_text = models.TextField("evidence", blank=True)
    evidence_link = models.URLField("link to evidence", max_length=500, blank=True)
    evidence_file = models.FileField(upload_to=_evidence_upload_to, blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveIntegerField(default=0)
    other_regions = models.ManyToManyField(Region, blank=True, related_name="+", help_text="Other regions involved.")
    shared_with_regions = models.ManyToManyField(
        Region, blank=True, related_name="escalations_shared", help_text="Regions whose programme manager sees it."
    )
    status = models.CharField(max_length=20, choices=EscalationStatus.choices, default=EscalationStatus.RAISED)
    triage_note = models.TextField(blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_shared_at = models.DateTimeField(null=True, blank=True)
    outcome_shared_with = models.ManyToManyField(MSP, blank=True, related_name="escalation_outcomes")
    case_study = models.OneToOneField(
        "casestudies.CaseStudy", on_delete=models.SET_NULL, null=True, blank=True, related_name="escalation"
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="escalation_status_valid",
                condition=Q(status__in=["raised", "needs_information", "accepted", "not_for_us", "closed"]),
            ),
            models.CheckConstraint(
                name="escalation_closed_has_outcome",
                condition=~Q(status="closed") | (~Q(outcome="") & Q(closed_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="escalation_outcome_shared_only_when_closed",
                condition=Q(outcome_shared_at__isnull=True) | Q(status="closed"),
            ),
        ]
        indexes = [models.Index(fields=["region", "status"], name="escalation_region_status_idx")]

    def __str__(self) -> str:
        return f"ESC-{self.pk}: {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        return f"ESC-{self.pk}"


class EscalationEntry(models.Model):
    """What happened after raising: an action taken, a contact made, or more information from the raiser."""

    class Kind(models.TextChoices):
        ACTION = "action", "Action"
        CONTACT = "contact", "Contact made"
        INFORMATION = "information", "More information from the raiser"

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    contact = models.CharField("who was contacted", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["escalation", "recorded_at", "pk"]
        verbose_name_plural = "escalation entries"

    def __str__(self) -> str:
        return f"{self.escalation}: {self.get_kind_display()}"


# --- Governance groups and meetings ---------------------------------------------------------


class Meeting(models.Model):
    """A meeting of a sub-regional group, of the whole region, or of the region with its MSPs."""

    class Scope(models.TextChoices):
        SUB_REGIONAL = "sub_regional", "Sub-regional group"
        REGIONAL = "regional", "Whole region"
        WITH_MSPS = "with_msps", "Region with its MSPs"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="meetings")
    scope = models.CharField(max_length=20, choices=Scope.choices)
    group = models.ForeignKey(
        "riia.SubRegionalGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    title = models.CharField(max_length=200)
    held_on = models.DateField("date")
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="meeting_group_only_for_sub_regional",
                condition=Q(scope="sub_regional", group__isnull=False)
                | (~Q(scope="sub_regional") & Q(group__isnull=True)),
            ),
            models.CheckConstraint(
                name="meeting_approved_minutes_not_empty",
                condition=Q(minutes_approved_at__isnull=True) | ~Q(minutes=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d %b %Y})"

    @property
    def minutes_approved(self) -> bool:
        return self.minutes_approved_at is not None


class MeetingAttendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=150)
    organisation = models.CharField(max_length=150)
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_attendances",
        help_text="Set when the person represents an LA (the contact directory lists them).",
    )

    class Meta:
        ordering = ["meeting", "organisation", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class MeetingAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, help_text="When the overdue reminder went (once).")

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="meeting_action_one_owner",
                condition=Q(owner__isnull=False, owner_la__isnull=True) | Q(owner__isnull=True, owner_la__isnull=False),
            ),
            models.CheckConstraint(
                name="meeting_action_done_has_date",
                condition=~Q(status="done") | Q(completed_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="meeting_action_status_due_idx")]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def owner_label(self) -> str:
        return self.owner.full_name if self.owner_id else str(self.owner_la)

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


# --- The quarterly MSP meeting pack -----------------------------------------------------------


class MeetingPack(models.Model):
    """The programme manager's notes on a region's quarterly MSP meeting pack, and when it was shared.
    The figures are not stored: the pack reads them from the snapshots and registers when shown."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="meeting_packs")
    quarter = models.CharField(max_length=7)
    notes = models.TextField("national and regional notes", blank=True)
    la_notes = models.JSONField(default=dict, blank=True, help_text="Notes per LA: {LA id: text}.")
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["region", "-quarter"]
        constraints = [models.UniqueConstraint(fields=["region", "quarter"], name="meeting_pack_once_per_quarter")]

    def __str__(self) -> str:
        return f"{self.region} MSP meeting pack, {self.quarter}"


# --- The MOU register -------------------------------------------------------------------------


def _mou_upload_to(instance: "MouVersion", filename: str) -> str:
    import uuid

    return f"governance/mou/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class MouVersion(models.Model):
    """One version of a region's MOU: the document, its date and what changed. The latest is current."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="mou_versions")
    number = models.PositiveIntegerField()
    dated = models.DateField("date of the version")
    summary = models.TextField("what changed")
    document = models.FileField(upload_to=_mou_upload_to)
    document_name = models.CharField(max_length=200)
    document_content_type = models.CharField(max_length=100)
    document_size = models.PositiveIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["region", "-number"]
        constraints = [models.UniqueConstraint(fields=["region", "number"], name="mou_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.region} MOU version {self.number}"


class MouSignature(models.Model):
    """An LA signed a version of the MOU, on a date."""

    version = models.ForeignKey(MouVersion, on_delete=models.PROTECT, related_name="signatures")
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="mou_signatures")
    signed_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["version", "local_authority__name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "local_authority"], name="mou_signed_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.local_authority} signed {self.version}"
