"""The Django admin keeps reference data. What decides who may do what (memberships, the LAs an MSP
serves, a region's MOU settings) is changed here only through the audited services in
riia/services.py; what services write elsewhere is read-only."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from rest_framework_api_key.models import APIKey as LibraryAPIKey

from riia.models import (
    MSP,
    Agency,
    ApiKey,
    AuditRecord,
    LocalAuthority,
    Membership,
    Region,
    Role,
    SubRegionalGroup,
    User,
)
from riia.services import (
    REGION_SETTINGS,
    access_changed,
    membership_end,
    membership_grant,
    membership_organisation_field,
    msp_local_authorities_set,
    region_settings_update,
)

ORGANISATION_FIELDS = ["local_authority", "region", "group", "msp", "agency"]


class OrganisationAdminMixin:
    """An organisation travels with the memberships that name it, which are kept between requests:
    a change here (a name, the region or group of an LA) is a change to everyone's access."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change:
            access_changed()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        access_changed()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        access_changed()


class ReadOnlyAdminMixin:
    """For models whose every write goes through a service (checked, locked, audited): the admin
    may look, never change. Works on ModelAdmin and inlines alike."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MembershipGrantForm(forms.ModelForm):
    """A new role: the organisation of the role's kind must be chosen; any other is ignored."""

    class Meta:
        model = Membership
        fields = ["role", *ORGANISATION_FIELDS]

    def clean(self) -> dict:
        data = super().clean()
        role = data.get("role")
        if not role:
            return data
        field = membership_organisation_field(role)
        organisation = data.get(field)
        if organisation is None:
            label = Membership._meta.get_field(field).verbose_name
            self.add_error(field, f"Select the {label} in which they are {Role(role).label.lower()}")
            return data
        for name in ORGANISATION_FIELDS:
            setattr(self.instance, name, None)
            data[name] = None
        data[field] = organisation
        setattr(self.instance, field, organisation)
        if role == Role.SUB_REGIONAL_LEAD:
            data["region"] = self.instance.region = organisation.region
        return data


class MembershipInline(admin.TabularInline):
    """Current and past roles are shown; a new role is granted through ``membership_grant`` (audited)
    and a role is ended from the roles list ("End the selected roles"), never edited or deleted."""

    model = Membership
    form = MembershipGrantForm
    fk_name = "user"
    extra = 0
    autocomplete_fields = ORGANISATION_FIELDS
    readonly_fields = ["started_at", "ended_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a person leaves by being made inactive: their signatures and decisions stay theirs

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        for membership in formset.save(commit=False):  # only new rows: existing ones are read-only
            membership_grant(
                user=form.instance, role=membership.role, organisation=membership.organisation, actor=request.user
            )
        return None


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every role, to look through and to end. Roles are granted on the person's page."""

    list_display = ["user", "role", "organisation", "started_at", "ended_at"]
    list_filter = ["role", "ended_at"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "local_authority", "region", "group", "msp", "agency"]
    actions = ["end_roles"]

    def has_end_permission(self, request) -> bool:
        return request.user.has_perm("riia.change_membership")

    @admin.action(description="End the selected roles", permissions=["end"])
    def end_roles(self, request, queryset) -> None:
        ended = 0
        for membership in queryset.filter(ended_at__isnull=True):
            membership_end(membership=membership, actor=request.user)
            ended += 1
        self.message_user(request, f"{ended} role{'s' if ended != 1 else ''} ended.", messages.SUCCESS)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """The nine regions come from riia/data; their MOU settings change through ``region_settings_update``."""

    list_display = [
        "name",
        "ons_code",
        "cool_off_months",
        "breach_decision_level",
        "regional_decision_required",
    ]
    search_fields = ["name"]
    fields = ["name", "slug", "ons_code", *REGION_SETTINGS]
    readonly_fields = ["name", "slug", "ons_code"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        region_settings_update(region=obj, actor=request.user, **{f: form.cleaned_data[f] for f in REGION_SETTINGS})


@admin.register(SubRegionalGroup)
class SubRegionalGroupAdmin(OrganisationAdminMixin, admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(OrganisationAdminMixin, admin.ModelAdmin):
    list_display = ["name", "old_code", "new_code", "region", "group"]
    list_filter = ["region"]
    search_fields = ["name", "old_code", "new_code"]
    list_select_related = ["region", "group"]


@admin.register(MSP)
class MSPAdmin(OrganisationAdminMixin, admin.ModelAdmin):
    """The LAs an MSP serves are set through ``msp_local_authorities_set`` (audited)."""

    search_fields = ["name"]
    filter_horizontal = ["local_authorities"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_related(self, request, form, formsets, change) -> None:
        msp_local_authorities_set(
            msp=form.instance, local_authorities=form.cleaned_data["local_authorities"], actor=request.user
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Agency)
class AgencyAdmin(OrganisationAdminMixin, admin.ModelAdmin):
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
