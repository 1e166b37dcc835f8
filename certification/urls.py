"""The certification dossier's pages. Mounted at the site root by kvo.urls, so the paths are the
ones they had when the dossier lived in merchants (/certification/, /areas/<pk>/dossier/...)."""

from django.urls import path

import plumbing.urls  # noqa: F401 (registers the <id:…> converter)
from certification import views

app_name = "certification"

urlpatterns = [
    path("certification/", views.overview, name="overview"),
    path("areas/<id:pk>/dossier/", views.area_dossier, name="area_dossier"),
    path(
        "areas/<id:pk>/dossier/certificate/",
        views.add_certificate,
        name="add_certificate",
    ),
    path("areas/<id:pk>/dossier/item/", views.add_item, name="add_item"),
    path("areas/<id:pk>/dossier/matrix/", views.add_safety_measure, name="add_safety_measure"),
    path(
        "dossier/matrix/<id:pk>/status/",
        views.safety_measure_status,
        name="safety_measure_status",
    ),
    path(
        "dossier/<str:kind>/<id:pk>/document.pdf",
        views.document,
        name="document",
    ),
]
