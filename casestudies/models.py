"""Case studies of how LAs and their partners met a problem, and the reusable resources
(template emails, a cool-off conversation template ...) that help another LA do the same."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from riia.models import MSP, Agency, LocalAuthority, Region


class Tag(models.Model):
    """A topic (soliciting, price caps, cool-off ...) or a role (social worker, team manager)."""

    class Kind(models.TextChoices):
        TOPIC = "topic", "Topic"
        ROLE = "role", "Role"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TOPIC)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class CaseStudy(models.Model):
    class Type(models.TextChoices):
        ESCALATION = "escalation", "Escalating an issue"
        BREACHES = "breaches", "Breaches"
        GOOD_NEWS = "good_news", "Good news story"
        INFORMATION = "information", "General information sharing"

    class Outcome(models.TextChoices):
        SUCCESSFUL = "successful", "Successful"
        PARTLY = "partly", "Partly successful"
        NOT_SUCCESSFUL = "not_successful", "Not successful"
        TOO_EARLY = "too_early", "Too early to say"

    class Behaviour(models.TextChoices):
        ENCOURAGE = "encourage", "Behaviour to encourage"
        REDUCE = "reduce", "Behaviour to reduce"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "In review"
        RETURNED = "returned", "Returned"
        PUBLISHED = "published", "Published"

        @classmethod
        def unpublished(cls) -> list["CaseStudy.Status"]:
            return [cls.DRAFT, cls.SUBMITTED, cls.RETURNED]

    title = models.CharField(max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="case_studies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_studies")
    author_la = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authored_case_studies",
        help_text="The LA that wrote it; empty when the region's programme team wrote it.",
    )
    case_type = models.CharField("type", max_length=20, choices=Type.choices)
    tags = models.ManyToManyField(Tag, blank=True, related_name="case_studies")
    local_authorities = models.ManyToManyField(LocalAuthority, blank=True, related_name="case_studies")
    msps = models.ManyToManyField(MSP, blank=True, related_name="case_studies")
    agencies = models.ManyToManyField(Agency, blank=True, related_name="case_studies")
    involved_description = models.CharField(
        "who was involved",
        max_length=300,
        blank=True,
        help_text="In words, for when the organisations are anonymised, e.g. 'a London borough and one agency'.",
    )
    issue = models.TextField("the issue", blank=True)
    decision = models.TextField("how the decision to respond was made", blank=True)
    outcome = models.CharField("whether it was successful", max_length=20, choices=Outcome.choices, blank=True)
    outcome_assessment = models.TextField("assessment of the outcome", blank=True)
    learning = models.TextField("what was learned", blank=True)
    behaviour = models.CharField(max_length=10, choices=Behaviour.choices, default=Behaviour.ENCOURAGE)
    share_nationally = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_comments = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-updated_at", "-pk"]
        verbose_name_plural = "case studies"
        permissions = [("publish_casestudy", "Can publish or return a case study")]
        constraints = [
            models.CheckConstraint(
                name="case_study_status_valid", condition=Q(status__in=["draft", "submitted", "returned", "published"])
            ),
            models.CheckConstraint(
                name="case_study_type_valid",
                condition=Q(case_type__in=["escalation", "breaches", "good_news", "information"]),
            ),
            # In review or published means complete: the four parts are there.
            models.CheckConstraint(
                name="case_study_complete_when_submitted",
                condition=Q(status__in=["draft", "returned"])
                | (~Q(issue="") & ~Q(decision="") & ~Q(outcome="") & ~Q(outcome_assessment="") & ~Q(learning="")),
            ),
            models.CheckConstraint(
                name="case_study_published_has_date",
                condition=~Q(status="published") | Q(published_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["region", "status"], name="case_study_region_status_idx")]

    def __str__(self) -> str:
        return self.title

    PARTS = ("issue", "decision", "outcome", "outcome_assessment", "learning")


class CaseStudyRevision(models.Model):
    """What a published case study said, each time it was published or edited after publishing."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    issue = models.TextField()
    decision = models.TextField()
    outcome = models.CharField(max_length=20, choices=CaseStudy.Outcome.choices)
    outcome_assessment = models.TextField()
    learning = models.TextField()
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["case_study", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case_study", "number"], name="case_study_revision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case_study} (version {self.number})"


class Resource(models.Model):
    """A reusable template: text with placeholders and/or a file, in versions. Either attached to one
    case study (and seen by whoever sees it) or standalone in a region's library."""

    class Kind(models.TextChoices):
        TEMPLATE_EMAIL = "template_email", "Template email"
        COOL_OFF = "cool_off", "Cool-off conversation template"
        REFERENCE = "reference", "Reference template"
        AGENDA = "agenda", "Agenda template"
        OTHER = "other", "Other resource"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="resources")
    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, null=True, blank=True, related_name="resources")
    share_nationally = models.BooleanField(default=False)
    owner_la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


def _resource_upload_to(instance: "ResourceVersion", filename: str) -> str:
    # The stored name is opaque; the person's file name is kept in original_name for downloads.
    import uuid

    return f"casestudies/resources/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ResourceVersion(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField("text", blank=True, help_text="Placeholders in double curly brackets, e.g. {{ agency }}.")
    file = models.FileField(upload_to=_resource_upload_to, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="resource_version_number_unique"),
            models.CheckConstraint(name="resource_version_has_content", condition=~Q(body="") | ~Q(file="")),
        ]

    def __str__(self) -> str:
        return f"{self.resource} (version {self.number})"
