from django.contrib import admin

from incidents.models import ContactMoment, Incident, IncidentPhoto, InternalNote, StatusChange


class PhotoInline(admin.TabularInline):
    model = IncidentPhoto
    extra = 0
    readonly_fields = ["original", "thumbnail", "width", "height"]


class HistoryInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "actor", "public_note", "created_at"]
    can_delete = False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "shop", "status", "occurred_at", "created_at"]
    list_filter = ["partnership", "status", "kind"]
    list_select_related = ["shop"]
    raw_id_fields = ["shop", "area", "reporter", "assigned_to", "duplicate_of"]
    inlines = [PhotoInline, HistoryInline]


admin.site.register([ContactMoment, InternalNote])
