from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("mine/", views.my_reports, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("export/", views.export, name="export"),
    path("export/figures/", views.export_figures, name="export_figures"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/case.pdf", views.case_pdf, name="case_pdf"),
    path("<int:pk>/aangifte.pdf", views.aangifte_pdf, name="aangifte_pdf"),
    path("<int:pk>/status/", views.move, name="move"),
    path("<int:pk>/contact/", views.add_contact, name="contact"),
    path("<int:pk>/note/", views.add_note, name="note"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/duplicate/", views.link_duplicate, name="duplicate"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo, name="photo"),
    path(
        "<int:pk>/photos/<int:photo_pk>/thumb/",
        views.photo,
        {"size": "thumbnail"},
        name="photo_thumb",
    ),
]
