from django.contrib import admin

from breaches.models import BreachRecord, Sanction, SanctionPolicy, TrainingFundEntry

# --- Breach register, sanctions and the training fund (branch breach-register) ---------------
# Read-only: every write goes through a service so that it is checked and audited.


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BreachRecord)
class BreachRecordAdmin(ReadOnlyAdmin):
    list_display = ["occurred_on", "local_authority", "breach_type", "with_permission", "status", "source"]
    list_filter = ["region", "breach_type", "with_permission", "status", "source"]
    search_fields = ["local_authority__name", "description", "source_reference"]
    date_hierarchy = "occurred_on"


@admin.register(SanctionPolicy)
class SanctionPolicyAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "kind", "default_amount", "is_active"]
    list_filter = ["region", "kind", "is_active"]


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyAdmin):
    list_display = ["issued_on", "region", "policy", "local_authority", "msp", "agency", "amount", "status"]
    list_filter = ["region", "status"]


@admin.register(TrainingFundEntry)
class TrainingFundEntryAdmin(ReadOnlyAdmin):
    list_display = ["occurred_on", "region", "kind", "amount", "description"]
    list_filter = ["region", "kind"]


# --- end of breach-register section ----------------------------------------------------------
