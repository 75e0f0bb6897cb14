from django.contrib import admin
from django.db import models

from governance.models import Escalation, EscalationEntry
from riia.admin import ReadOnlyAdminMixin


class EntryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EscalationEntry
    extra = 0
    can_delete = False
    fields = ["kind", "text", "contact", "recorded_by", "recorded_at"]
    readonly_fields = fields


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: every step (audit, notifications) runs through governance.services."""

    list_display = ["__str__", "region", "raised_for", "status", "raised_at", "closed_at"]
    list_filter = ["status", "kind", "region"]
    list_select_related = ["region"]
    inlines = [EntryInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
