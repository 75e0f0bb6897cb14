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
