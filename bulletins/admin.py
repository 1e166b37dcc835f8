from django.contrib import admin

from bulletins.models import BulletinSettings


@admin.register(BulletinSettings)
class BulletinSettingsAdmin(admin.ModelAdmin):
    list_display = ["partnership", "mode"]
    list_select_related = ["partnership"]
