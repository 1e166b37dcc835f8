from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from merchants.models import (
    AuditEvent,
    Invitation,
    Membership,
    Partnership,
    ProtocolDeclaration,
    ProtocolVersion,
    Shop,
    ShopAssignment,
    ShoppingArea,
    User,
)
from merchants.services import set_shop_active, set_user_active


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Unticking "active" logs the person out everywhere at once, as the service does.
        if change and "is_active" in form.changed_data and not obj.is_active:
            set_user_active(obj, active=False, actor=request.user)


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "municipality", "active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ShoppingArea)
class ShoppingAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership", "kind", "active"]
    list_filter = ["partnership", "kind"]


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "postcode", "active"]
    list_filter = ["area__partnership", "active"]
    search_fields = ["name", "address", "postcode"]
    list_select_related = ["area"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "active" in form.changed_data and not obj.active:
            set_shop_active(obj, active=False, actor=request.user)


class ShopAssignmentInline(admin.TabularInline):
    model = ShopAssignment
    extra = 0
    autocomplete_fields = ["shop"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "partnership", "role", "active"]
    list_filter = ["partnership", "role", "active"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]
    inlines = [ShopAssignmentInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "partnership", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["partnership", "role"]
    readonly_fields = ["token_hash", "accepted_by", "accepted_at"]


@admin.register(ProtocolVersion)
class ProtocolVersionAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "partnership", "published_at"]


@admin.register(ProtocolDeclaration)
class ProtocolDeclarationAdmin(admin.ModelAdmin):
    list_display = ["version", "user", "shop", "signed_at"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "partnership", "object_type", "object_id"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
