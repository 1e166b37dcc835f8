"""The register's one page without an account: objecting online to a measure, with the code
from the notice letter (bans.objection_views.public_objection). Mounted at /objection/."""

from django.urls import path

from bans import objection_views

urlpatterns = [path("", objection_views.public_objection, name="objection")]
