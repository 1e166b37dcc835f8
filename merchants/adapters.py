from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts are made by accepting an invitation (merchants.services)."""

    def is_open_for_signup(self, request):
        return False

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        # Continue in the language the person chose in its profile.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
        return response
