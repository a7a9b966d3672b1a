from django.contrib import admin

from filon.network import models as m


@admin.register(m.Tie)
class TieAdmin(admin.ModelAdmin):
    list_display = ["source_person", "target_person", "kind", "strength", "source"]
    list_filter = ["kind"]
    autocomplete_fields = ["source_person", "target_person"]


class MembershipInline(admin.TabularInline):
    model = m.GroupMembership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(m.Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [MembershipInline]
