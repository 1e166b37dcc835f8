from django.urls import path

import plumbing.urls  # noqa: F401 (registers the <id:…> converter)
from bans import identity_views, objection_views, review_views, sighting_views, views

app_name = "bans"

urlpatterns = [
    path("incident/<id:incident_pk>/person/", views.link_person, name="link_person"),
    path("people/<id:pk>/", views.person, name="person"),
    path("people/<id:pk>/photos/", views.add_photo, name="add_photo"),
    path("people/<id:pk>/photos/<id:photo_pk>/", views.photo, name="photo"),
    path("gallery/", views.gallery, name="gallery"),
    path("gallery/print/", views.gallery_print, name="gallery_print"),
    path("people/<id:pk>/merge/", views.merge, name="merge"),
    path("access-log/", views.access_log_page, name="access_log"),
    path("access-log/review/", review_views.access_review_settings, name="access_review"),
    path("requests/", views.subject_requests, name="subject_requests"),
    path("requests/<id:pk>/close/", views.close_request, name="close_request"),
    path("people/<id:pk>/access-report.pdf", views.access_report, name="access_report"),
    path("gallery/<id:pk>/photos/<id:photo_pk>/", views.gallery_image, name="gallery_image"),
    path("gallery/<id:pk>/seen/", sighting_views.sighting, name="sighting"),
    path("sightings/<id:pk>/", sighting_views.sighting_done, name="sighting_done"),
    path("sightings/<id:pk>/undo/", sighting_views.sighting_undo, name="sighting_undo"),
    path("people/<id:pk>/propose/<id:incident_pk>/", views.propose, name="propose"),
    path("measures/<id:pk>/confirm/", views.decide, {"action": "confirm"}, name="confirm"),
    path("measures/<id:pk>/override/", views.decide, {"action": "override"}, name="override"),
    path("measures/<id:pk>/revoke/", views.decide, {"action": "revoke"}, name="revoke"),
    path("measures/<id:pk>/notice.pdf", views.notice, name="notice"),
    path("measures/<id:pk>/notice/", views.issue_notice, name="issue_notice"),
    path("objections/", objection_views.objection_list, name="objections"),
    path("objections/new/", objection_views.record_objection, name="objection_new"),
    path("objections/<id:pk>/", objection_views.objection_detail, name="objection"),
    path("objections/<id:pk>/suspend/", objection_views.suspend, name="objection_suspend"),
    path("objections/<id:pk>/decide/", objection_views.decide, name="objection_decide"),
    path("objections/<id:pk>/withdraw/", objection_views.withdraw, name="objection_withdraw"),
    path("objections/<id:pk>/letter.pdf", objection_views.decision_letter, name="objection_letter"),
    path("identity/", identity_views.request_list, name="identity_requests"),
    path("identity/new/<id:incident_pk>/", identity_views.new_request, name="identity_request_new"),
    path("identity/<id:pk>/", identity_views.request_detail, name="identity_request"),
    path("identity/<id:pk>/request.pdf", identity_views.request_pdf, name="identity_request_pdf"),
    path("identity/<id:pk>/answer/", identity_views.record_answer, name="identity_answer"),
]
