"""Read-only views of caps and exemptions: every change goes through the services so it is checked
and audited. Role grades are reference data and may be edited here."""

from django.contrib import admin

from rates.models import Exemption, PriceCap, RateCard, RateCardLine, RoleGrade
from riia.admin import ReadOnlyAdminMixin


@admin.register(RoleGrade)
class RoleGradeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "core_type", "region", "display_order"]
    list_filter = ["core_type", "region"]
    search_fields = ["name", "code"]


class RateCardLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RateCardLine
    extra = 0


@admin.register(RateCard)
class RateCardAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["region", "status", "effective_from", "published_by", "published_at"]
    list_filter = ["status", "region"]
    inlines = [RateCardLineInline]


@admin.register(PriceCap)
class PriceCapAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["region", "role_grade", "hourly_rate", "paye_hourly_rate", "effective_from", "effective_to"]
    list_filter = ["region", "role_grade__core_type"]


@admin.register(Exemption)
class ExemptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["local_authority", "role_grade", "hourly_rate", "starts_on", "ends_on", "status"]
    list_filter = ["status", "local_authority__region"]
