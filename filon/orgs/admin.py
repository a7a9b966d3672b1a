from django.contrib import admin

from filon.orgs import models as m


class IdentifierInline(admin.TabularInline):
    model = m.OrgIdentifier
    extra = 0


class AliasInline(admin.TabularInline):
    model = m.OrgAlias
    extra = 0


@admin.register(m.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "sector", "country", "city"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "name_folded", "short_name"]
    autocomplete_fields = ["sector", "parent"]
    inlines = [IdentifierInline, AliasInline]


@admin.register(m.Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "level"]
    list_filter = ["level"]
    search_fields = ["code", "label"]
