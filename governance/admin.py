from django.contrib import admin
from django.db import models

from governance.models import (
    Escalation,
    EscalationEntry,
    Meeting,
    MeetingAction,
    MeetingAttendee,
    MeetingPack,
    MouSignature,
    MouVersion,
)
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


class AttendeeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MeetingAttendee
    extra = 0
    can_delete = False
    fields = ["name", "organisation", "local_authority"]
    readonly_fields = fields


class ActionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MeetingAction
    extra = 0
    can_delete = False
    fields = ["description", "owner", "owner_la", "due_on", "status", "reminded_at"]
    readonly_fields = fields


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: meetings are written through governance.services_meetings (audited)."""

    list_display = ["title", "region", "scope", "group", "held_on", "minutes_approved_at"]
    list_filter = ["scope", "region"]
    list_select_related = ["region", "group"]
    inlines = [AttendeeInline, ActionInline]


@admin.register(MeetingPack)
class MeetingPackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: notes and sharing go through governance.services_pack (audited)."""

    list_display = ["region", "quarter", "shared_at"]
    list_filter = ["region"]


class MouSignatureInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MouSignature
    extra = 0
    can_delete = False
    fields = ["local_authority", "signed_on", "recorded_by"]
    readonly_fields = fields


@admin.register(MouVersion)
class MouVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: versions and signatures go through governance.services_mou (audited)."""

    list_display = ["region", "number", "dated", "document_name"]
    list_filter = ["region"]
    inlines = [MouSignatureInline]
