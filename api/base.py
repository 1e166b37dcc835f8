"""What every API view shares: the client's token, its rate limit, problem details, and one
audit event per call (`api.call`: client, method, path, status; never the body)."""

from rest_framework.generics import GenericAPIView

from api.authentication import ApiPrincipal, TokenAuthentication
from api.throttling import ClientRateThrottle
from merchants.services import log_action


class ApiView(GenericAPIView):
    authentication_classes = [TokenAuthentication]
    throttle_classes = [ClientRateThrottle]

    @property
    def client(self):
        return self.request.user.client

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(request.user, ApiPrincipal):
            log_action(
                "api.call",
                partnership=request.user.client.partnership,
                obj=request.user.client,
                data={
                    "method": request.method,
                    "path": request.path[:200],
                    "status": response.status_code,
                },
            )
        return response
