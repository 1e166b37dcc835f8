from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import certification_views, incident_views, views

app_name = "api"

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
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
