from django.urls import path

from bans import views

app_name = "bans"

urlpatterns = [
    path("incident/<int:incident_pk>/person/", views.link_person, name="link_person"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/photos/", views.add_photo, name="add_photo"),
    path("people/<int:pk>/photos/<int:photo_pk>/", views.photo, name="photo"),
    path("gallery/", views.gallery, name="gallery"),
    path("gallery/print/", views.gallery_print, name="gallery_print"),
    path("people/<int:pk>/merge/", views.merge, name="merge"),
    path("access-log/", views.access_log_page, name="access_log"),
    path("requests/", views.subject_requests, name="subject_requests"),
    path("requests/<int:pk>/close/", views.close_request, name="close_request"),
    path("people/<int:pk>/access-report.pdf", views.access_report, name="access_report"),
    path("gallery/<int:pk>/photos/<int:photo_pk>/", views.gallery_image, name="gallery_image"),
    path("gallery/<int:pk>/seen/", views.sighting, name="sighting"),
    path("people/<int:pk>/propose/<int:incident_pk>/", views.propose, name="propose"),
    path("measures/<int:pk>/confirm/", views.decide, {"action": "confirm"}, name="confirm"),
    path("measures/<int:pk>/override/", views.decide, {"action": "override"}, name="override"),
    path("measures/<int:pk>/revoke/", views.decide, {"action": "revoke"}, name="revoke"),
    path("measures/<int:pk>/notice.pdf", views.notice, name="notice"),
    path("measures/<int:pk>/notice/", views.issue_notice, name="issue_notice"),
]
