"""The bulletin pages, mounted under /register/bulletins/ by kvo.urls (the paths they had in the
register)."""

from django.urls import path

from bulletins import views

app_name = "bulletins"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("make/", views.make, name="make"),
    path("archive/", views.archive, name="archive"),
    path("<int:pk>/report/", views.delivery_report, name="delivery_report"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("<int:pk>/", views.bulletin, name="bulletin"),
    path(
        "<int:pk>/photos/<int:person_pk>/",
        views.photo,
        name="photo",
    ),
    path("<int:pk>/bulletin.pdf", views.pdf, name="pdf"),
]
