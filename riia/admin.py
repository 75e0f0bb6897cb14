from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from rest_framework_api_key.models import APIKey as LibraryAPIKey

from riia.models import MSP, Agency, ApiKey, AuditRecord, LocalAuthority, Membership, Region, SubRegionalGroup, User


class ReadOnlyAdminMixin:
    """For models whose every write goes through a service (checked, locked, audited): the admin
    may look, never change. Works on ModelAdmin and inlines alike."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["local_authority", "region", "group", "msp", "agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "job_title", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "job_title"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "ons_code",
        "cool_off_months",
        "breach_decision_level",
        "regional_decision_required",
    ]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SubRegionalGroup)
class SubRegionalGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "old_code", "new_code", "region", "group"]
    list_filter = ["region"]
    search_fields = ["name", "old_code", "new_code"]
    list_select_related = ["region", "group"]


@admin.register(MSP)
class MSPAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    filter_horizontal = ["local_authorities"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the audit record is append-only and written by services."""

    list_display = ["created_at", "actor_label", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "object_repr"]
    date_hierarchy = "created_at"


# The library's own key model is unused (ours is riia.ApiKey): keep it out of the admin.
admin.site.unregister(LibraryAPIKey)


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: keys are made and revoked on the API keys page or by the command, through the service."""

    list_display = ["name", "prefix", "msp", "local_authority", "created", "expiry_date", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "prefix", "msp__name", "local_authority__name"]
    list_select_related = ["msp", "local_authority"]
    exclude = ["hashed_key"]
