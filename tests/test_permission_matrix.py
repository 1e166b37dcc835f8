"""Every URL with every role, with the status each must get.

Rows for our own pages state the intent: 403 for a role that may not use the page, 404 for an
object of another partnership (ids leak nothing), 302 to the login page for anonymous visitors.
allauth's rows pin its behaviour per role so that an upgrade that changes it shows up here.
A URL pattern without a row fails `test_every_url_has_a_row`.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ROLES

# Columns, in the order of ROLES:
#   anonymous participant owner neighbour_owner other_participant officer administrator
#   coordinator other_coordinator auditor
GET, POST = "get", "post"
ALL_200 = "200 200 200 200 200 200 200 200 200 200"
ALL_404 = "404 404 404 404 404 404 404 404 404 404"
LOGIN_THEN_200 = "302 200 200 200 200 200 200 200 200 200"
LOGIN_THEN_302 = "302 302 302 302 302 302 302 302 302 302"
COORDINATOR_LIST = "302 403 403 403 403 403 403 200 200 403"

INCIDENT = lambda w: {"pk": w.incident.pk}  # noqa: E731
PHOTO = lambda w: {"pk": w.incident.pk, "photo_pk": w.photo.pk}  # noqa: E731
PERSON = lambda w: {"pk": w.person.pk}  # noqa: E731
MEASURE = lambda w: {"pk": w.measure.pk}  # noqa: E731
NOTICE = lambda w: {"pk": w.notice.measure_id}  # noqa: E731
BANNED_PHOTO = lambda w: {"pk": w.banned.pk, "photo_pk": w.banned.photos.get().pk}  # noqa: E731
# Measure decisions redirect back with a message; the register itself is hidden from others.
MEASURE_ACTION = "302 404 404 404 404 302 302 404 404 404"
# Only the officer acts on a case; staff of the shop and the administrator may only read it.
CASE_ACTION = "302 403 403 404 404 302 403 404 404 404"

CLAIM = lambda w: {"pk": w.claim.pk}  # noqa: E731
WARNING = lambda w: {"pk": w.warning.pk}  # noqa: E731
IDENTITY_REQUEST = lambda w: {"pk": w.identity_request.pk}  # noqa: E731
OBJECTION = lambda w: {"pk": w.objection.pk}  # noqa: E731
API_CLIENT = lambda w: {"pk": w.api_client.pk}  # noqa: E731
# Objections: the officer (not the one who decided the measure) decides, the administrator enters.
OBJECTION_DECIDE = "302 404 404 404 404 302 403 404 404 404"
AREA = lambda w: {"pk": w.binnenstad.pk}  # noqa: E731
DOSSIER_READ = "302 404 404 404 404 404 404 200 404 200"
REPORT_JOB = lambda w: {"pk": w.report_job.pk}  # noqa: E731
DOSSIER_WRITE = "302 404 404 404 404 404 404 302 404 403"
BULLETIN = lambda w: {"pk": w.bulletin.pk}  # noqa: E731
BANK_TX = lambda w: {"pk": w.bank_transaction.pk}  # noqa: E731
CLAIMS_READ = "302 403 403 403 403 200 200 200 200 403"
# A Deventer claim: 404 outside Deventer's officer, administrator and coordinator.
CLAIMS_OBJECT = "302 404 404 404 404 200 200 200 404 404"
# Making and sending: the officer and the coordinator (the administrator reads only: 403).
CLAIMS_MAKE = "302 404 404 404 404 200 403 200 404 404"
CLAIMS_MAKE_ACTION = "302 404 404 404 404 302 403 302 404 404"
# Names, addresses and letters: the officer and the administrator, not the coordinator.
CLAIMS_IDENTITY = "302 404 404 404 404 200 200 403 404 404"
CLAIMS_IDENTITY_ACTION = "302 404 404 404 404 302 302 403 404 404"
# Payments, credits and write-offs: the coordinator only.
CLAIMS_BOOKS_ACTION = "302 404 404 404 404 403 403 302 404 404"

MATRIX = {
    # --- ours ---
    "home": (GET, None, LOGIN_THEN_200),
    "healthz": (GET, None, ALL_200),
    # A signed link's signature is the permission (plumbing.files.signed_url): none here.
    "signed_file": (GET, lambda w: {"name": "gallery/2026/12/x.jpg"}, " ".join(["403"] * 10)),
    # The app on the home screen: the same for everyone, nothing personal in them.
    "manifest": (GET, None, ALL_200),
    "service_worker": (GET, None, ALL_200),
    "offline": (GET, None, ALL_200),
    "dashboard": (GET, None, "302 403 403 403 403 200 403 403 403 403"),
    "switch_language": (POST, None, LOGIN_THEN_302),
    "merchants:profile": (GET, None, LOGIN_THEN_200),
    # A browser adds itself (a push subscription as JSON); nothing posted here: 400 for everyone
    # logged in. Removing a device: only its owner (the officer's device here).
    "merchants:device_add": (POST, None, "302 400 400 400 400 400 400 400 400 400"),
    "merchants:device_remove": (
        POST,
        lambda w: {"pk": w.push_device.pk},
        "302 404 404 404 404 302 404 404 404 404",
    ),
    "merchants:switch_partnership": (
        POST,
        None,
        "302 302 302 302 404 302 302 302 404 302",
        lambda w: {"partnership": w.deventer.pk},
    ),
    # The current partnership's contact for objections: each coordinator edits their own.
    "merchants:objection_contact": (GET, None, COORDINATOR_LIST),
    "merchants:area_list": (GET, None, "302 403 403 403 403 200 200 200 200 200"),
    "merchants:area_create": (GET, None, COORDINATOR_LIST),
    "merchants:area_edit": (
        GET,
        lambda w: {"pk": w.binnenstad.pk},
        "302 403 403 403 403 403 403 200 404 403",
    ),
    "merchants:shop_list": (GET, None, "302 403 403 403 403 200 200 200 200 403"),
    "merchants:shop_create": (GET, None, COORDINATOR_LIST),
    "merchants:shop_detail": (
        GET,
        lambda w: {"pk": w.shop.pk},
        "302 403 403 403 403 200 200 200 404 403",
    ),
    "merchants:shop_edit": (
        GET,
        lambda w: {"pk": w.shop.pk},
        "302 403 403 403 403 403 403 200 404 403",
    ),
    "merchants:shop_set_active": (
        POST,
        lambda w: {"pk": w.shop.pk},
        "302 403 403 403 403 403 403 302 404 403",
        lambda w: {"active": "0"},
    ),
    "merchants:member_list": (GET, None, COORDINATOR_LIST),
    "merchants:member_end": (
        POST,
        lambda w: {"pk": w.memberships["participant"].pk},
        "302 403 403 403 403 403 403 302 404 403",
    ),
    "merchants:invitation_create": (GET, None, COORDINATOR_LIST),
    "merchants:invitation_resend": (
        POST,
        lambda w: {"pk": w.invitation.pk},
        "302 403 403 403 403 403 403 302 404 403",
    ),
    "merchants:invitation_revoke": (
        POST,
        lambda w: {"pk": w.invitation.pk},
        "302 403 403 403 403 403 403 302 404 403",
    ),
    # The link works for the invitee (anonymous here); logged in as someone else it explains.
    "merchants:invitation_accept": (
        GET,
        lambda w: {"token": w.invitation.token},
        "200 403 403 403 403 403 403 403 403 403",
    ),
    "merchants:my_shops": (GET, None, "302 200 200 200 200 403 403 403 403 403"),
    "merchants:my_shop_staff": (
        GET,
        lambda w: {"pk": w.shop.pk},
        "302 403 200 404 404 403 403 403 404 404",
    ),
    "merchants:my_shop_staff_remove": (
        POST,
        lambda w: {"pk": w.shop.pk, "membership_pk": w.memberships["participant"].pk},
        "302 403 302 404 404 403 403 403 404 404",
    ),
    "merchants:my_shop_invitation_revoke": (
        POST,
        lambda w: {"pk": w.shop.pk, "invitation_pk": w.invitation.pk},
        "302 403 302 404 404 403 403 403 404 404",
    ),
    "merchants:my_shop_bulletin": (
        GET,
        lambda w: {"pk": w.shop.pk},
        "302 403 200 404 404 403 403 403 404 404",
    ),
    # --- incidents (columns as above) ---
    "incidents:report": (GET, None, "302 200 200 200 200 403 403 403 403 403"),
    # A kept photo is seen only by the one who chose it.
    "incidents:kept_photo": (
        GET,
        lambda w: {"key": w.kept_photo.submission_key, "pk": w.kept_photo.pk},
        "302 200 404 404 404 403 403 403 403 403",
    ),
    "incidents:mine": (GET, None, "302 200 200 200 200 403 403 403 403 403"),
    "incidents:queue": (GET, None, "302 403 403 403 403 200 403 403 403 403"),
    "incidents:export": (GET, None, "302 403 403 403 403 200 403 403 403 403"),
    # Figures without personal data: also for the administrator and the coordinators.
    "incidents:export_figures": (GET, None, "302 403 403 403 403 200 200 200 200 403"),
    # Bakkerij Jansen's case: its staff and the partnership's officer and administrator see it;
    # the neighbouring shop, the coordinator (figures only) and other partnerships get 404.
    "incidents:detail": (GET, INCIDENT, "302 200 200 404 404 200 200 404 404 404"),
    "incidents:case_pdf": (GET, INCIDENT, "302 403 403 404 404 200 200 404 404 404"),
    "incidents:aangifte_pdf": (GET, INCIDENT, "302 200 200 404 404 200 200 404 404 404"),
    "incidents:photo": (GET, PHOTO, "302 200 200 404 404 200 200 404 404 404"),
    "incidents:photo_thumb": (GET, PHOTO, "302 200 200 404 404 200 200 404 404 404"),
    "incidents:move": (POST, INCIDENT, CASE_ACTION, lambda w: {"to": "in_review"}),
    # The report to the police: the shop's staff record their filing, the officer its stages.
    "incidents:police_filed": (
        POST,
        INCIDENT,
        "302 302 302 404 404 302 403 404 404 404",
        lambda w: {"channel": "desk", "reference": "PL0900-2026-77"},
    ),
    "incidents:police_step": (POST, INCIDENT, CASE_ACTION, lambda w: {"stage": "handling"}),
    "incidents:police_pack": (GET, INCIDENT, "302 403 403 404 404 200 200 404 404 404"),
    # Name-and-address requests: the officer and the coordinator ask, the administrator follows;
    # only the roles that see identity fields record the answer.
    "bans:identity_requests": (GET, None, "302 403 403 403 403 200 200 200 200 403"),
    "bans:identity_request_new": (
        GET,
        lambda w: {"incident_pk": w.spare_incident.pk},
        "302 404 404 404 404 200 404 200 404 404",
    ),
    "bans:identity_request": (GET, IDENTITY_REQUEST, "302 404 404 404 404 200 200 200 404 404"),
    "bans:identity_request_pdf": (
        GET,
        IDENTITY_REQUEST,
        "302 404 404 404 404 200 200 200 404 404",
    ),
    "bans:access_review": (GET, None, "302 403 403 403 403 403 200 403 403 403"),
    "bans:objections": (GET, None, "302 403 403 403 403 200 200 403 403 403"),
    "bans:objection_new": (
        POST,
        None,
        "302 403 403 403 403 403 302 403 403 403",
        lambda w: {
            "measure": f"DEV-M{w.banned.measures.get().pk:06d}",
            "channel": "letter",
            "received_on": "2026-12-01",
            "objector": "R. Kramer",
            "contact": "Brink 2, Deventer",
            "grounds": "Ik was het niet.",
        },
    ),
    "bans:objection": (GET, OBJECTION, "302 404 404 404 404 200 200 404 404 404"),
    "bans:objection_suspend": (POST, OBJECTION, OBJECTION_DECIDE),
    "bans:objection_decide": (
        POST,
        OBJECTION,
        OBJECTION_DECIDE,
        lambda w: {"outcome": "rejected", "reason": "De beelden tonen u."},
    ),
    "bans:objection_withdraw": (POST, OBJECTION, "302 404 404 404 404 403 302 404 404 404"),
    "bans:objection_letter": (
        GET,
        lambda w: {"pk": w.decided_objection.pk},
        "302 404 404 404 404 200 200 404 404 404",
    ),
    # The API takes client tokens only (tests/api/): a session is not enough, for any role. Its
    # schema and documentation are public.
    "api:incident_facts": (GET, None, "401 401 401 401 401 401 401 401 401 401"),
    "api:incidents": (GET, None, "401 401 401 401 401 401 401 401 401 401"),
    "api:incident": (GET, INCIDENT, "401 401 401 401 401 401 401 401 401 401"),
    "api:dossiers": (GET, None, "401 401 401 401 401 401 401 401 401 401"),
    "api:dossier": (GET, AREA, "401 401 401 401 401 401 401 401 401 401"),
    "api:schema": (GET, None, ALL_200),
    "api:docs": (GET, None, ALL_200),
    # API clients, kept by the coordinator or the administrator (who admits a chain); a token
    # is shown once, on the page after the POST.
    "api_clients:list": (GET, None, "302 403 403 403 403 403 200 200 200 403"),
    "api_clients:token": (POST, API_CLIENT, "302 403 403 403 403 403 200 200 404 403"),
    "api_clients:revoke": (POST, API_CLIENT, "302 403 403 403 403 403 302 302 404 403"),
    "api_clients:webhook": (GET, API_CLIENT, "302 403 403 403 403 403 200 200 404 403"),
    # Single sign-on: the coordinator's settings; the button's POST (no provider here: 404).
    "merchants:sso_settings": (GET, None, "302 403 403 403 403 403 403 200 200 403"),
    "merchants:sso_start": (POST, lambda w: {"slug": w.deventer.slug}, ALL_404),
    # The public objection page: no account needed, nothing of a person on it.
    "objection": (GET, None, ALL_200),
    "bans:identity_answer": (
        POST,
        IDENTITY_REQUEST,
        "302 404 404 404 404 302 302 403 404 404",
        lambda w: {"outcome": "refused"},
    ),
    "incidents:contact": (
        POST,
        INCIDENT,
        CASE_ACTION,
        lambda w: {"kind": "phone", "contacted_at": "2026-01-01T10:00", "note": "Gebeld"},
    ),
    "incidents:note": (POST, INCIDENT, CASE_ACTION, lambda w: {"text": "Bekende van de wijk"}),
    "incidents:assign": (POST, INCIDENT, CASE_ACTION, lambda w: {"officer": ""}),
    "incidents:duplicate": (POST, INCIDENT, CASE_ACTION, lambda w: {"original": "0"}),
    # --- register (issue 4, in progress): officers decide, administrators read ---
    "bans:link_person": (
        GET,
        lambda w: {"incident_pk": w.incident.pk},
        "302 403 403 404 404 200 403 404 404 404",
    ),
    "bans:person": (GET, PERSON, "302 404 404 404 404 200 200 404 404 404"),
    "bans:propose": (
        POST,
        lambda w: {"pk": w.person.pk, "incident_pk": w.incident.pk},
        "302 404 404 404 404 302 403 404 404 404",
    ),
    "bans:confirm": (POST, MEASURE, MEASURE_ACTION),
    "bans:override": (POST, MEASURE, MEASURE_ACTION),
    "bans:revoke": (POST, MEASURE, MEASURE_ACTION, lambda w: {"reason": "Vergissing"}),
    "bans:notice": (GET, NOTICE, "302 404 404 404 404 200 200 404 404 404"),
    "bans:issue_notice": (POST, NOTICE, MEASURE_ACTION),
    # The protocol of the current partnership (KVO Zwolle has none: 404).
    "merchants:protocol": (
        GET,
        lambda w: w.protocol and None,
        "302 200 200 200 404 200 200 200 404 200",
    ),
    "bans:add_photo": (POST, PERSON, "302 404 404 404 404 302 403 404 404 404"),
    "bans:photo": (GET, BANNED_PHOTO, "302 404 404 404 404 200 200 404 404 404"),
    # Participants only, and only after signing the protocol: unsigned they go to it.
    "bans:access_log": (GET, None, "302 403 403 403 403 403 200 403 403 403"),
    "bans:gallery_print": (GET, None, "302 302 302 302 302 403 403 403 403 403"),
    "bans:merge": (POST, PERSON, "302 403 403 403 403 403 302 403 403 403"),
    "bans:subject_requests": (GET, None, "302 403 403 403 403 403 200 403 403 403"),
    "bans:close_request": (
        POST,
        lambda w: {"pk": w.subject_request.pk},
        "302 403 403 403 403 403 302 403 403 403",
        lambda w: {"status": "handled"},
    ),
    "bans:access_report": (GET, PERSON, "302 403 403 403 403 403 200 403 403 403"),
    "bans:gallery": (GET, None, "302 302 302 302 302 403 403 403 403 403"),
    "bans:gallery_image": (GET, BANNED_PHOTO, "302 403 403 403 403 403 403 403 403 403"),
    "bans:sighting": (
        POST,
        lambda w: {"pk": w.banned.pk},
        "302 403 403 403 403 403 403 403 403 403",
    ),
    # Only the one who reported a sighting sees the advice page and may withdraw it.
    "bans:sighting_done": (
        GET,
        lambda w: {"pk": w.sighting.pk},
        "302 200 404 404 404 404 404 404 404 404",
    ),
    "bans:sighting_undo": (
        POST,
        lambda w: {"pk": w.sighting.pk},
        "302 302 404 404 404 404 404 404 404 404",
    ),
    # --- certification dossier: the coordinator keeps it, the auditor reads it (other roles and
    # partnerships: 404 on an area's dossier, 403 on the overview).
    "certification:overview": (GET, None, "302 403 403 403 403 403 403 200 200 200"),
    "reports:area": (GET, AREA, DOSSIER_READ),
    "reports:area_pdf": (POST, AREA, "302 404 404 404 404 404 404 302 404 302"),
    # A report job is its requester's (here the coordinator's): others get 404.
    "reports:job": (GET, REPORT_JOB, "302 404 404 404 404 404 404 200 404 404"),
    "reports:job_pdf": (GET, REPORT_JOB, "302 404 404 404 404 404 404 200 404 404"),
    "certification:area_dossier": (GET, AREA, DOSSIER_READ),
    "certification:add_certificate": (
        POST,
        AREA,
        DOSSIER_WRITE,
        lambda w: {
            "certificate-stars": "3",
            "certificate-issued_on": "2025-02-01",
            "certificate-certifying_body": "Kiwa NCP",
            "certificate-scheme_version": "KVO 4.0",
        },
    ),
    "certification:add_item": (
        POST,
        AREA,
        DOSSIER_WRITE,
        lambda w: {
            "item-kind": "meeting",
            "item-held_on": "2026-05-01",
            "item-title": "Overleg",
            "item-attendance": ["police", "municipality"],
        },
    ),
    "certification:add_safety_measure": (
        POST,
        AREA,
        DOSSIER_WRITE,
        lambda w: {
            "matrix-description": "Camera Brink",
            "matrix-theme": "shoplifting",
            "matrix-owner": "Ondernemers",
            "matrix-status": "planned",
            "matrix-due_on": "2026-12-01",
        },
    ),
    "certification:safety_measure_status": (
        POST,
        lambda w: {"pk": w.safety_measure.pk},
        DOSSIER_WRITE,
        lambda w: {"status": "done"},
    ),
    "certification:document": (
        GET,
        lambda w: {"kind": "item", "pk": w.dossier_item.pk},
        DOSSIER_READ,
    ),
    # --- bulletins: the officer makes them and reads the delivery report; shops that received
    # one open it (after signing the protocol themselves: unsigned they go to the protocol).
    "bulletins:overview": (GET, None, "302 403 403 403 403 200 403 403 403 403"),
    "bulletins:make": (POST, None, "302 403 403 403 403 302 403 403 403 403"),
    "bulletins:archive": (GET, None, "302 200 200 200 200 403 403 403 403 403"),
    "bulletins:delivery_report": (GET, BULLETIN, "302 404 404 404 404 200 404 404 404 404"),
    "bulletins:retry": (POST, BULLETIN, "302 404 404 404 404 302 404 404 404 404"),
    "bulletins:bulletin": (GET, BULLETIN, "302 302 302 404 404 403 403 403 403 403"),
    "bulletins:pdf": (GET, BULLETIN, "302 302 302 404 404 403 403 403 403 403"),
    "bulletins:photo": (
        GET,
        lambda w: {"pk": w.bulletin.pk, "person_pk": w.banned.pk},
        "302 403 403 404 404 403 403 403 403 403",
    ),
    # --- civil claims: the officer and the coordinator make them; the coordinator keeps the books
    "claims:list": (GET, None, CLAIMS_READ),
    "claims:new": (GET, lambda w: {"incident_pk": w.incident.pk}, CLAIMS_MAKE),
    "claims:detail": (GET, CLAIM, CLAIMS_OBJECT),
    "claims:letter": (GET, CLAIM, CLAIMS_IDENTITY),
    # Not reminded yet: there is no reminder letter to give or to post.
    "claims:reminder": (GET, CLAIM, "302 404 404 404 404 404 404 403 404 404"),
    "claims:post_reminder": (POST, CLAIM, CLAIMS_IDENTITY_ACTION),
    "claims:send": (POST, CLAIM, CLAIMS_MAKE_ACTION),
    "claims:cancel": (POST, CLAIM, CLAIMS_MAKE_ACTION, lambda w: {"reason": "Vergissing"}),
    "claims:payment": (POST, CLAIM, CLAIMS_BOOKS_ACTION),
    "claims:credit": (POST, CLAIM, CLAIMS_BOOKS_ACTION),
    "claims:write_off": (POST, CLAIM, CLAIMS_BOOKS_ACTION, lambda w: {"reason": "Onvindbaar"}),
    "claims:bank": (GET, None, COORDINATOR_LIST),
    "claims:bank_book": (POST, BANK_TX, "302 404 404 404 404 404 404 302 404 404"),
    "claims:bank_set_aside": (POST, BANK_TX, "302 404 404 404 404 404 404 302 404 404"),
    "claims:distribution": (GET, None, COORDINATOR_LIST),
    "claims:distribution_csv": (GET, None, COORDINATOR_LIST),
    "claims:csv": (GET, None, COORDINATOR_LIST),
    # The hand-over file has names and addresses: the officer and the administrator.
    "claims:collection_csv": (POST, None, "302 403 403 403 403 200 200 403 403 403"),
    "claims:settings": (GET, None, COORDINATOR_LIST),
    # --- alerts: officers and participants who signed the protocol (others sign first); a
    # warning is Binnenstad's, sent by the participant, who signed (the owner and the neighbour
    # did not); the alert settings are the coordinator's.
    "alerts:feed": (GET, None, "302 302 302 302 302 200 403 403 403 403"),
    "alerts:warn": (GET, None, "302 302 302 302 302 403 403 403 403 403"),
    "alerts:settings": (GET, None, COORDINATOR_LIST),
    "alerts:detail": (GET, WARNING, "302 200 302 302 404 200 403 403 403 403"),
    "alerts:open": (GET, WARNING, "302 302 302 302 404 302 403 403 403 403"),
    "alerts:withdraw": (POST, WARNING, "302 302 302 302 404 302 403 403 403 403"),
    # --- allauth: accounts ---
    "account_login": (GET, None, "200 302 302 302 302 302 302 302 302 302"),
    "account_logout": (GET, None, LOGIN_THEN_200),
    "account_inactive": (GET, None, ALL_200),
    "account_signup": (GET, None, "200 302 302 302 302 302 302 302 302 302"),
    "account_reauthenticate": (GET, None, LOGIN_THEN_200),
    "account_request_reauthentication_code": (GET, None, LOGIN_THEN_200),
    "account_confirm_reauthentication_code": (GET, None, LOGIN_THEN_302),
    "account_email": (GET, None, LOGIN_THEN_200),
    "account_email_verification_sent": (GET, None, ALL_200),
    "account_change_password": (GET, None, LOGIN_THEN_200),
    "account_set_password": (GET, None, LOGIN_THEN_302),
    "account_reset_password": (GET, None, ALL_200),
    "account_confirm_login_code": (GET, None, LOGIN_THEN_302),
    "account_confirm_email": (GET, lambda w: {"key": "forged-key"}, ALL_200),
    "account_reset_password_from_key_done": (GET, None, ALL_200),
    "account_reset_password_from_key": (
        GET,
        lambda w: {"uidb36": "1", "key": "forged-key"},
        ALL_200,
    ),
    "account_reset_password_done": (GET, None, ALL_200),
    # --- allauth: single sign-on (merchants.sso); the matrix's partnership has no provider ---
    "socialaccount_login_cancelled": (GET, None, ALL_200),
    "socialaccount_login_error": (GET, None, "401 401 401 401 401 401 401 401 401 401"),
    "openid_connect_login": (GET, lambda w: {"provider_id": "kvo-deventer"}, ALL_404),
    "openid_connect_callback": (GET, lambda w: {"provider_id": "kvo-deventer"}, ALL_404),
    # --- allauth: two-factor ---
    "mfa_index": (GET, None, LOGIN_THEN_200),
    "mfa_authenticate": (GET, None, LOGIN_THEN_302),
    "mfa_reauthenticate": (GET, None, "302 302 302 302 302 200 200 200 200 302"),
    "mfa_activate_totp": (GET, None, LOGIN_THEN_302),
    "mfa_deactivate_totp": (GET, None, "302 404 404 404 404 302 302 302 302 404"),
    "mfa_view_recovery_codes": (GET, None, "302 404 404 404 404 404 404 404 404 404"),
    "mfa_generate_recovery_codes": (GET, None, LOGIN_THEN_302),
    "mfa_download_recovery_codes": (GET, None, "302 404 404 404 404 404 404 404 404 404"),
}

# The Django admin is for superusers only; none of the roles is staff, so every admin URL sends
# every role to the admin login. One rule covers the whole namespace.
ADMIN_NAMESPACE = "admin"


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, str(pattern.pattern), namespace


def all_url_names():
    return list(_walk(get_resolver().url_patterns))


def test_every_url_has_a_row():
    missing = [
        name or f"<unnamed {route}>"
        for name, route, namespace in all_url_names()
        if name not in MATRIX and namespace != ADMIN_NAMESPACE
    ]
    assert not missing, f"URLs without a permission-matrix row: {missing}"
    stale = set(MATRIX) - {name for name, _route, _ns in all_url_names()}
    assert not stale, f"Rows for URLs that no longer exist: {stale}"


def test_every_row_names_every_role():
    for name, spec in MATRIX.items():
        assert len(spec[2].split()) == len(ROLES), name


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(name, world, client_as):
    method, kwargs_for, expected, *rest = MATRIX[name]
    data_for = rest[0] if rest else (lambda w: {})
    url = reverse(name, kwargs=kwargs_for(world) if kwargs_for else None)
    mismatches = []
    for role, want in zip(ROLES, expected.split(), strict=True):
        client = client_as(role)
        response = getattr(client, method)(url, data_for(world))
        if response.status_code != int(want):
            mismatches.append(f"{role}: got {response.status_code}, want {want}")
        elif want == "302" and role == "anonymous" and name not in ("switch_language",):
            assert "/login/" in response["Location"], (role, response["Location"])
    assert not mismatches, f"{method.upper()} {url}: " + "; ".join(mismatches)


def test_admin_refuses_every_role(world, client_as):
    admin_urls = [
        reverse(name)
        for name, route, namespace in all_url_names()
        if namespace == ADMIN_NAMESPACE
        and name
        and "<" not in route
        and "(?P" not in route
        and name not in ("admin:login", "admin:logout")
    ]
    assert len(admin_urls) > 5
    for role in ROLES:
        client = client_as(role)
        # The admin's login goes through allauth (with TOTP); logged-in non-staff are refused.
        login = client.get(reverse("admin:login"))
        if role == "anonymous":
            assert login.status_code == 302
            assert login["Location"].startswith(reverse("account_login"))
        else:
            assert login.status_code == 403
        for url in admin_urls:
            response = client.get(url)
            assert response.status_code == 302, (role, url, response.status_code)
            assert "/login/" in response["Location"]
