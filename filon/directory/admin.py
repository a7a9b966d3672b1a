from django.contrib import admin

from filon.directory import models as m


class AffiliationInline(admin.TabularInline):
    model = m.Affiliation
    extra = 0


class ContactPointInline(admin.TabularInline):
    model = m.ContactPoint
    extra = 0


class PositionInline(admin.TabularInline):
    model = m.Position
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(m.Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "city", "directory_opt_out"]
    list_filter = ["affiliations__track", "affiliations__school", "directory_opt_out"]
    search_fields = ["name_folded", "last_name", "first_name"]
    inlines = [AffiliationInline, ContactPointInline, PositionInline]
    filter_horizontal = ["skills"]


@admin.register(m.School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city"]


class AdvisorInline(admin.TabularInline):
    model = m.ThesisAdvisor
    extra = 0
    autocomplete_fields = ["person"]


class FundingInline(admin.TabularInline):
    model = m.ThesisFunding
    extra = 0
    autocomplete_fields = ["funder"]


@admin.register(m.Thesis)
class ThesisAdmin(admin.ModelAdmin):
    list_display = ["title", "person", "defence_year", "lab"]
    search_fields = ["title", "person__last_name"]
    autocomplete_fields = ["person", "lab", "institution"]
    inlines = [AdvisorInline, FundingInline]


@admin.register(m.Skill)
class SkillAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(m.ContactReveal)
class ContactRevealAdmin(admin.ModelAdmin):
    """Read-only: who revealed whose contact details, written by the reveal action only."""

    list_display = ["at", "viewer", "person", "ip"]
    date_hierarchy = "at"
    raw_id_fields = ["viewer", "person"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
