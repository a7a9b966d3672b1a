from django.contrib import admin

from filon.association.models import DuesPayment


@admin.register(DuesPayment)
class DuesPaymentAdmin(admin.ModelAdmin):
    list_display = ["person", "year", "amount", "currency", "category", "paid_on"]
    list_filter = ["year", "category"]
    autocomplete_fields = ["person"]
