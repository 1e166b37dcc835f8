from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from api import certification_views, incident_views, views

app_name = "api"

PUBLIC = {"authentication_classes": [], "permission_classes": [AllowAny]}

urlpatterns = [
    path("incidents/", incident_views.IncidentListView.as_view(), name="incidents"),
    path("incidents/<int:pk>/", incident_views.IncidentDetailView.as_view(), name="incident"),
    path(
        "certification/areas/",
        certification_views.AreaDossierListView.as_view(),
        name="dossiers",
    ),
    path(
        "certification/areas/<int:pk>/",
        certification_views.AreaDossierView.as_view(),
        name="dossier",
    ),
    path("statistics/incidents/", views.IncidentFactsView.as_view(), name="incident_facts"),
    # Public and token-free: the schema and its documentation read no client and no person.
    path("schema/", SpectacularAPIView.as_view(api_version="v1", **PUBLIC), name="schema"),
    path(
        "docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", **PUBLIC), name="docs"
    ),
]
