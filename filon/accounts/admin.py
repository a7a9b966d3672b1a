from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from filon.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "role", "person", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "person__last_name"]
    autocomplete_fields = ["person"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Rôle et fiche"), {"fields": ("role", "person", "language", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "role", "person", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
