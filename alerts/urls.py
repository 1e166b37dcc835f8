from django.urls import path

import plumbing.urls  # noqa: F401 (registers the <id:…> converter)
from alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.feed, name="feed"),
    path("warn/", views.warn, name="warn"),
    path("settings/", views.alert_settings, name="settings"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/open/", views.open_alert, name="open"),
    path("<id:pk>/withdraw/", views.withdraw, name="withdraw"),
]
