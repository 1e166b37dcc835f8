from django.urls import path

import plumbing.urls  # noqa: F401 (registers the <id:…> converter)
from claims import bookkeeping_views as books
from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("new/<id:incident_pk>/", views.claim_new, name="new"),
    path("<id:pk>/", views.claim_detail, name="detail"),
    path("<id:pk>/send/", views.claim_send, name="send"),
    path("<id:pk>/cancel/", views.claim_cancel, name="cancel"),
    path("<id:pk>/letter.pdf", views.claim_letter, name="letter"),
    path("<id:pk>/reminder.pdf", views.claim_reminder_letter, name="reminder"),
    path("<id:pk>/reminder/post/", views.claim_post_reminder, name="post_reminder"),
    path("<id:pk>/payment/", views.claim_payment, name="payment"),
    path("<id:pk>/credit/", views.claim_credit, name="credit"),
    path("<id:pk>/write-off/", views.claim_write_off, name="write_off"),
    path("bank/", books.bank, name="bank"),
    path("bank/<id:pk>/book/", books.bank_book, name="bank_book"),
    path("bank/<id:pk>/set-aside/", books.bank_set_aside, name="bank_set_aside"),
    path("distribution/", books.distribution_report, name="distribution"),
    path("distribution.csv", books.distribution_csv, name="distribution_csv"),
    path("export.csv", books.claims_csv, name="csv"),
    path("collection.csv", books.collection_csv, name="collection_csv"),
    path("settings/", books.claim_settings, name="settings"),
]
