from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from kvo import app_views, views
from merchants import views as merchant_views

# The admin's own login form knows nothing of TOTP: send staff through allauth's login instead.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("manifest.webmanifest", app_views.manifest, name="manifest"),
    path("sw.js", app_views.service_worker, name="service_worker"),
    path("offline/", app_views.offline, name="offline"),
    path("dashboard/", views.dashboard, name="dashboard"),
    # Signed links to files (the gallery's copies): nginx answers them in production.
    path(
        f"{settings.SIGNED_FILES_URL.strip('/')}/<path:name>", views.signed_file, name="signed_file"
    ),
    path("language/", merchant_views.switch_language, name="switch_language"),
    path("accounts/", include("kvo.account_urls")),
    path("", include("certification.urls")),
    path("", include("merchants.urls")),
    path("incidents/", include("incidents.urls")),
    path("register/bulletins/", include("bulletins.urls")),
    path("register/", include("bans.urls")),
    path("objection/", include("bans.public_urls")),
    path("claims/", include("claims.urls")),
    path("alerts/", include("alerts.urls")),
    path("reports/", include("kvo.report_urls")),
    path("api/v1/", include("api.urls")),
    path("api-clients/", include("api.client_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

# A database that does not answer gives "try again in a moment" (503), not an error page.
handler500 = "kvo.views.server_error"
