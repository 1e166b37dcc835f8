"""DRF authentication with a client token (`Authorization: Bearer kvo_…`). The request's user is
the client (an `ApiPrincipal`), never a person: the API acts for a system."""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api import tokens
from api.models import ApiToken


class ApiPrincipal:
    """What `request.user` is for an API call: the client, authenticated, not a staff member."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    is_active = True
    pk = None

    def __init__(self, client):
        self.client = client

    def __str__(self):
        return f"api client {self.client.pk}"


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0] != self.keyword:
            raise exceptions.AuthenticationFailed(_("Use 'Authorization: Bearer <token>'."))
        token = tokens.find(parts[1])
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is unknown, expired or revoked."))
        # At most once a minute: the column is for the coordinator's page, not an audit.
        now = timezone.now()
        if not token.last_used_at or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return ApiPrincipal(token.client), token

    def authenticate_header(self, request):
        return self.keyword
