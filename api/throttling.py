"""Rate limits per client (not per address: a chain's calls come from one data centre)."""

from rest_framework.throttling import SimpleRateThrottle

from api.authentication import ApiPrincipal


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def get_cache_key(self, request, view):
        if not isinstance(request.user, ApiPrincipal):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.client.pk}
