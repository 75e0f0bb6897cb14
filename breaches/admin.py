"""Admin for support staff to look things up. Read-only: every change to a breach request goes through
its service (locks, checks, audit, notifications), never through a bare model save.

Sections: breach requests (below); the breach register and sanctions (further down)."""

from django.contrib import admin

from breaches.models import (
    BreachRecord,
    BreachRequest,
    Decision,
    ReturnNote,
    Sanction,
    SanctionPolicy,
    Signature,
    TrainingFundEntry,
)
from riia.admin import ReadOnlyAdminMixin

# --- Breach requests ------------------------------------------------------------------------


class SignatureInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Signature
    extra = 0


class ReturnNoteInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReturnNote
    extra = 0


class DecisionInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = Decision
    extra = 0


@admin.register(BreachRequest)
class BreachRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "local_authority", "role_grade", "proposed_rate", "status", "submitted_at"]
    list_filter = ["status", "local_authority__region"]
    search_fields = ["reference", "local_authority__name"]
    list_select_related = ["local_authority", "role_grade"]
    inlines = [SignatureInline, ReturnNoteInline, DecisionInline]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["breach_request", "outcome", "decided_by", "decided_at"]
    list_filter = ["outcome"]
    list_select_related = ["breach_request__local_authority", "breach_request__role_grade", "decided_by"]


# --- Breach register, sanctions and the training fund ----------------------------------------


@admin.register(BreachRecord)
class BreachRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["occurred_on", "local_authority", "breach_type", "with_permission", "status", "source"]
    list_filter = ["region", "breach_type", "with_permission", "status", "source"]
    search_fields = ["local_authority__name", "description", "source_reference"]
    date_hierarchy = "occurred_on"


@admin.register(SanctionPolicy)
class SanctionPolicyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "region", "kind", "default_amount", "is_active"]
    list_filter = ["region", "kind", "is_active"]


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["issued_on", "region", "policy", "local_authority", "msp", "agency", "amount", "status"]
    list_filter = ["region", "status"]


@admin.register(TrainingFundEntry)
class TrainingFundEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["occurred_on", "region", "kind", "amount", "description"]
    list_filter = ["region", "kind"]
