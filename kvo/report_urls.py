from django.urls import path

from kvo import report_views as views

app_name = "reports"

urlpatterns = [
    path("areas/<int:pk>/", views.area_report, name="area"),
    path("areas/<int:pk>/pdf/", views.area_report_pdf, name="area_pdf"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/report.pdf", views.job_pdf, name="job_pdf"),
]
