from django.contrib import admin

from alerts.models import AlertSettings


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    list_display = ["partnership", "sightings_to_shops"]
    list_select_related = ["partnership"]
