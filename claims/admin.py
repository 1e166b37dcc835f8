from django.contrib import admin

from claims.models import ClaimSettings


@admin.register(ClaimSettings)
class ClaimSettingsAdmin(admin.ModelAdmin):
    list_display = ["partnership", "fixed_amount", "due_days", "reminder_days"]
    list_select_related = ["partnership"]
