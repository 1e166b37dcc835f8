"""The coordinator's pages for API clients (HTML, with a session): apart from /api/v1/, which
takes tokens only."""

from django.urls import path

import plumbing.urls  # noqa: F401 (registers the <id:…> converter)
from api import client_views

app_name = "api_clients"

urlpatterns = [
    path("", client_views.client_list, name="list"),
    path("<id:pk>/token/", client_views.new_token, name="token"),
    path("<id:pk>/revoke/", client_views.revoke, name="revoke"),
    path("<id:pk>/webhook/", client_views.webhook, name="webhook"),
]
