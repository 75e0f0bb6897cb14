"""Read-only views of caps and exemptions: every change goes through the services so it is checked
and audited. Role grades are reference data and may be edited here."""

from django.contrib import admin

from rates.models import Exemption, PriceCap, RateCard, RateCardLine, RoleGrade


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RoleGrade)
class RoleGradeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "core_type", "region", "display_order"]
    list_filter = ["core_type", "region"]
    search_fields = ["name", "code"]


class RateCardLineInline(admin.TabularInline):
    model = RateCardLine
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RateCard)
class RateCardAdmin(ReadOnlyAdmin):
    list_display = ["region", "status", "effective_from", "published_by", "published_at"]
    list_filter = ["status", "region"]
    inlines = [RateCardLineInline]


@admin.register(PriceCap)
class PriceCapAdmin(ReadOnlyAdmin):
    list_display = ["region", "role_grade", "hourly_rate", "paye_hourly_rate", "effective_from", "effective_to"]
    list_filter = ["region", "role_grade__core_type"]


@admin.register(Exemption)
class ExemptionAdmin(ReadOnlyAdmin):
    list_display = ["local_authority", "role_grade", "hourly_rate", "starts_on", "ends_on", "status"]
    list_filter = ["status", "local_authority__region"]
