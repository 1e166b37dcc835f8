from django.urls import path

import plumbing.urls  # noqa: F401 (registers the <id:…> converter)
from incidents import export_views, police_views, views

app_name = "incidents"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/kept/<uuid:key>/<id:pk>/", views.kept_photo, name="kept_photo"),
    path("mine/", views.my_reports, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("export/", export_views.export, name="export"),
    path("export/figures/", export_views.export_figures, name="export_figures"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/case.pdf", views.case_pdf, name="case_pdf"),
    path("<id:pk>/aangifte.pdf", views.aangifte_pdf, name="aangifte_pdf"),
    path("<id:pk>/status/", views.move, name="move"),
    path("<id:pk>/police/filed/", police_views.record_filing, name="police_filed"),
    path("<id:pk>/police/step/", police_views.record_step, name="police_step"),
    path("<id:pk>/police/pack.zip", police_views.pack, name="police_pack"),
    path("<id:pk>/contact/", views.add_contact, name="contact"),
    path("<id:pk>/note/", views.add_note, name="note"),
    path("<id:pk>/assign/", views.assign, name="assign"),
    path("<id:pk>/duplicate/", views.link_duplicate, name="duplicate"),
    path("<id:pk>/photos/<id:photo_pk>/", views.photo, name="photo"),
    path(
        "<id:pk>/photos/<id:photo_pk>/thumb/",
        views.photo,
        {"size": "thumbnail"},
        name="photo_thumb",
    ),
]
