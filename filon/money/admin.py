from django.contrib import admin

from filon.money import models as m


class ParticipationInline(admin.TabularInline):
    model = m.Participation
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(m.Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "name", "level", "funder"]
    list_filter = ["level"]
    search_fields = ["code", "short_name", "name", "name_fr"]
    autocomplete_fields = ["parent", "funder"]


@admin.register(m.Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["identifier", "acronym", "programme", "funder", "start", "end"]
    search_fields = ["identifier", "acronym", "title"]
    autocomplete_fields = ["programme", "funder"]
    inlines = [ParticipationInline]


@admin.register(m.ThesisGrant)
class ThesisGrantAdmin(admin.ModelAdmin):
    list_display = ["funding", "programme", "amount", "currency"]
    autocomplete_fields = ["programme", "project"]
    raw_id_fields = ["funding"]


@admin.register(m.OrgMatchCandidate)
class OrgMatchCandidateAdmin(admin.ModelAdmin):
    list_display = ["existing", "incoming", "score", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["existing", "incoming", "run", "decided_by"]
