from django.contrib import admin

from casestudies.models import CaseStudy, CaseStudyRevision, Resource, ResourceVersion, Tag
from riia.admin import ReadOnlyAdminMixin


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class RevisionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseStudyRevision
    extra = 0
    can_delete = False
    fields = ["number", "edited_by", "edited_at", "note"]
    readonly_fields = fields


@admin.register(CaseStudy)
class CaseStudyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the workflow (revisions, audit, notifications) runs through the services."""

    list_display = ["title", "region", "author_la", "case_type", "status", "published_at"]
    list_filter = ["status", "case_type", "region"]
    search_fields = ["title"]
    list_select_related = ["region", "author_la"]
    readonly_fields = ["status", "submitted_at", "published_at", "published_by", "author", "created_at", "updated_at"]
    autocomplete_fields = ["author_la", "local_authorities", "msps", "agencies"]
    inlines = [RevisionInline]


class VersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ResourceVersion
    extra = 0
    can_delete = False
    fields = ["number", "original_name", "size", "created_by", "created_at", "note"]
    readonly_fields = fields


@admin.register(Resource)
class ResourceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "region", "case_study"]
    list_filter = ["kind", "region"]
    search_fields = ["title"]
    list_select_related = ["region", "case_study"]
    raw_id_fields = ["case_study", "created_by"]
    inlines = [VersionInline]
