"""allauth's pages under /accounts/, chosen rather than included whole: the accounts, the second
factor, and for single sign-on (merchants.sso) only the provider's way in and back and the pages
for a cancelled or failed login. No "connections" page and no sign-up page: an organisation's
account is linked only to a membership or an invitation, never added or made at will."""

from allauth.socialaccount import views as social
from django.urls import include, path

urlpatterns = [
    path("", include("allauth.account.urls")),
    path("2fa/", include("allauth.mfa.urls")),
    path("3rdparty/login/cancelled/", social.login_cancelled, name="socialaccount_login_cancelled"),
    path("3rdparty/login/error/", social.login_error, name="socialaccount_login_error"),
    path("", include("allauth.socialaccount.providers.openid_connect.urls")),
]
