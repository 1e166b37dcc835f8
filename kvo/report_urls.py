from django.urls import path

import plumbing.urls  # noqa: F401 (registers the <id:…> converter)
from kvo import report_views as views

app_name = "reports"

urlpatterns = [
    path("areas/<id:pk>/", views.area_report, name="area"),
    path("areas/<id:pk>/pdf/", views.area_report_pdf, name="area_pdf"),
    path("jobs/<id:pk>/", views.job, name="job"),
    path("jobs/<id:pk>/report.pdf", views.job_pdf, name="job_pdf"),
]
