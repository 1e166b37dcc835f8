"""What a client may do: its scopes (api.models.Scope)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from api.authentication import ApiPrincipal


def needs(scope):
    """A permission class that lets a client through with `scope`."""

    class HasScope(BasePermission):
        message = format_lazy(_("This client lacks the scope {scope}."), scope=scope)

        def has_permission(self, request, view):
            user = request.user
            return isinstance(user, ApiPrincipal) and user.client.has_scope(scope)

    HasScope.__name__ = f"Has_{scope.replace(':', '_')}"
    return HasScope
