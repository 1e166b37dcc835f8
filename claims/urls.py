from django.urls import path

from claims import bookkeeping_views as books
from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("new/<int:incident_pk>/", views.claim_new, name="new"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/send/", views.claim_send, name="send"),
    path("<int:pk>/cancel/", views.claim_cancel, name="cancel"),
    path("<int:pk>/letter.pdf", views.claim_letter, name="letter"),
    path("<int:pk>/reminder.pdf", views.claim_reminder_letter, name="reminder"),
    path("<int:pk>/reminder/post/", views.claim_post_reminder, name="post_reminder"),
    path("<int:pk>/payment/", views.claim_payment, name="payment"),
    path("<int:pk>/credit/", views.claim_credit, name="credit"),
    path("<int:pk>/write-off/", views.claim_write_off, name="write_off"),
    path("bank/", books.bank, name="bank"),
    path("bank/<int:pk>/book/", books.bank_book, name="bank_book"),
    path("bank/<int:pk>/set-aside/", books.bank_set_aside, name="bank_set_aside"),
    path("distribution/", books.distribution_report, name="distribution"),
    path("distribution.csv", books.distribution_csv, name="distribution_csv"),
    path("export.csv", books.claims_csv, name="csv"),
    path("collection.csv", books.collection_csv, name="collection_csv"),
    path("settings/", books.claim_settings, name="settings"),
]
