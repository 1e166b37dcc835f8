"""The bulletin pages, mounted under /register/bulletins/ by kvo.urls (the paths they had in the
register)."""

from django.urls import path

import plumbing.urls  # noqa: F401 (registers the <id:…> converter)
from bulletins import views

app_name = "bulletins"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("make/", views.make, name="make"),
    path("archive/", views.archive, name="archive"),
    path("<id:pk>/report/", views.delivery_report, name="delivery_report"),
    path("<id:pk>/retry/", views.retry, name="retry"),
    path("<id:pk>/", views.bulletin, name="bulletin"),
    path(
        "<id:pk>/photos/<id:person_pk>/",
        views.photo,
        name="photo",
    ),
    path("<id:pk>/bulletin.pdf", views.pdf, name="pdf"),
]
