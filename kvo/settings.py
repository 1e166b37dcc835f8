"""Settings for the KVO platform.

One module, driven by environment variables. The defaults are the embedded set-up that `make run`
uses on a fresh machine: SQLite under var/, Celery tasks run eagerly in process, mail written to
files under var/mail/. Production sets the variables listed in .env.example; a value that cannot be
parsed stops the start-up instead of being ignored.
"""

import hashlib
import hmac
import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _secret(name, default=None):
    """Read NAME, or the contents of the file named by NAME_FILE (Docker secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text().strip()
    return env.str(name, default=default)


DEBUG = env.bool("DEBUG", default=False)

VAR_DIR = Path(env.str("KVO_VAR_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = _secret("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The address people reach the site on; used in emails sent from background jobs where no request
# exists to build an absolute link from.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="KVO")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "kvo",
    "merchants",
    "incidents",
    "certification",
    "bans",
    "claims",
    "bulletins",
    "alerts",
    "api",
]
# Development only: seed_demo, seed_scale and demo_totp. The product runs without it; production
# leaves it out (the default follows DEBUG), tests and `make run` switch it on.
DEMO = env.bool("KVO_DEMO", default=DEBUG)
if DEMO:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    # First, so that every log line of the request (redirects and errors too) carries its id.
    "kvo.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "kvo.middleware.SignOnFormActionMiddleware",
    "kvo.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "merchants.sessions.SessionLifetimeMiddleware",
    "merchants.middleware.CurrentPartnershipMiddleware",
    "kvo.middleware.EnforceMFAMiddleware",
]

ROOT_URLCONF = "kvo.urls"
WSGI_APPLICATION = "kvo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "merchants.context_processors.partnership",
            ],
            # Tag libraries of plumbing, which is no app (so has no templatetags of its own).
            "libraries": {"pdf": "plumbing.templatetags.pdf"},
        },
    },
]

# --- Database -------------------------------------------------------------------------------------

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] > 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite waits for a writer instead of failing at once when runserver handles two requests.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Take the write lock when a transaction starts: concurrent writers wait instead of failing
    # with "database is locked" (select_for_update does nothing on SQLite).
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache ----------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")


def _next_redis_db(url):
    """The same Redis server, the next database number: clearing the cache (FLUSHDB) must never
    empty the Celery queue."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + 1
    return urlunsplit(parts._replace(path=f"/{number}"))


# The cache lives in its own Redis database (REDIS_URL's number + 1 unless set).
REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default=_next_redis_db(REDIS_URL) if REDIS_URL else "")

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache that answers from process memory while Redis is away, so that
            # logging in keeps working (plumbing.cache, ADR 0015); it gives Redis a second.
            "BACKEND": "plumbing.cache.ResilientRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "kvo",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/Amsterdam"
# Workers log through LOGGING below (JSON lines with the task id), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Red cards decided within this many seconds make one bulletin. Embedded (eager) default: at once.
BULLETIN_DELAY_SECONDS = env.int("BULLETIN_DELAY_SECONDS", default=600 if REDIS_URL else 0)
CELERY_BEAT_SCHEDULE = {
    "register-maintenance": {
        "task": "bans.tasks.daily_register_maintenance",
        "schedule": crontab(hour=0, minute=15),
    },
    "daily-gallery-copies": {
        "task": "bans.tasks.daily_gallery_copies",
        "schedule": crontab(hour=0, minute=30),
    },
    "sweep-gallery-copies": {
        "task": "bans.tasks.sweep_gallery_copies",
        "schedule": crontab(minute="*/5"),
    },
    "bulletin-weekly": {
        "task": "bulletins.tasks.weekly_bulletins",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
    },
    "bulletin-outbox-sweep": {
        "task": "bulletins.tasks.sweep_bulletin_outbox",
        "schedule": crontab(minute="*/5"),
    },
    "claim-reminders": {
        "task": "claims.tasks.daily_claim_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
    "claim-retention": {
        "task": "claims.tasks.daily_claim_retention",
        "schedule": crontab(hour=0, minute=30),
    },
    "dossier-reminders": {
        "task": "certification.tasks.daily_dossier_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "report-digests": {
        "task": "incidents.tasks.daily_report_digests",
        "schedule": crontab(hour=7, minute=30),
    },
    "incident-email-sweep": {
        "task": "incidents.tasks.sweep_unsent_emails",
        "schedule": crontab(minute="*/5"),
    },
    "webhook-sweep": {
        "task": "api.tasks.sweep_webhooks",
        "schedule": crontab(minute="*"),
    },
    "alert-sweep": {
        "task": "alerts.tasks.sweep_alerts",
        "schedule": crontab(minute="*"),
    },
    "alert-retention": {
        "task": "alerts.tasks.alert_retention",
        "schedule": crontab(minute=20),
    },
    "incident-retention": {
        "task": "incidents.tasks.strip_expired_personal_data",
        "schedule": crontab(hour=3, minute=30),
    },
    "access-reviews": {
        "task": "bans.tasks.weekly_access_reviews",
        "schedule": crontab(hour=7, minute=15, day_of_week="mon"),
    },
    # Office hours: a police mailbox is read by people.
    "identity-request-reminders": {
        "task": "bans.tasks.remind_identity_requests",
        "schedule": crontab(hour=9, minute=0, day_of_week="mon-fri"),
    },
}

# --- API (api/, docs/api.md) ----------------------------------------------------------------------

API_RATE = env.str("API_RATE", default="600/minute")
# Webhooks call https addresses on the internet only; true allows http and private addresses
# (a chain's on-premise system; the tests' receiver on loopback).
API_WEBHOOKS_LOCAL = env.bool("API_WEBHOOKS_LOCAL", default=False)
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {"api_client": API_RATE},
    "EXCEPTION_HANDLER": "api.problems.problem_details",
    "UNAUTHENTICATED_USER": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KVO platform API",
    "DESCRIPTION": (
        "Reports for chains, anonymous figures for municipalities, the dossier for auditors. "
        "No register, gallery or identity fields (docs/adr/0013-api-without-the-register.md)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PoliceReportEnum": "incidents.models.PoliceReport",
        "IncidentKindEnum": "incidents.models.IncidentType",
        "IncidentStatusEnum": "incidents.workflow.Status",
        "AreaKindEnum": "merchants.models.AreaKind",
        "DossierItemKindEnum": "certification.models.DossierItemKind",
        "SafetyMeasureStatusEnum": "certification.models.SafetyMeasure.Status",
    },
}

# --- Mail -----------------------------------------------------------------------------------------

EMAIL_URL = _secret("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(environ.Env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# A stuck mail server must not hold a web worker or a task until its time limit.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="KVO <noreply@kvo.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Web Push (plumbing/push.py): the key that signs every alert (PEM or the raw key, base64url).
# Unset, a key is made once in VAR_DIR: enough for one machine; several web nodes need this.
VAPID_PRIVATE_KEY = _secret("VAPID_PRIVATE_KEY", default="")
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default="")  # "mailto:…" for the push services

# Text messages for alerts (plumbing/sms.py): a file per message in VAR_DIR/sms unless a gateway
# is configured (plumbing.sms.HttpBackend with its URL and token).
SMS_BACKEND = env.str("SMS_BACKEND", default="plumbing.sms.FileBackend")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = _secret("SMS_GATEWAY_TOKEN", default="")
# Alerts to many devices are sent this many at a time (each is an HTTPS request to a push service).
ALERT_PUSH_THREADS = env.int("ALERT_PUSH_THREADS", default=16)

# --- Files ----------------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "private")))
if MEDIA_ROOT.resolve().is_relative_to(STATIC_ROOT.resolve()):
    raise ImproperlyConfigured(
        "MEDIA_ROOT must not lie inside STATIC_ROOT: it holds private files."
    )
STORAGES = {
    # Private files (photos of people, letters) live outside STATIC_ROOT and have no public URL:
    # only views that check access stream them.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        # Hashed names need `collectstatic`; development and the test suite serve from finders.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
# An S3-compatible object store instead of the disk (issue 22): set S3_BUCKET. The bucket must be
# private; files are handed out by links signed for S3_URL_SECONDS after Django checked access
# (plumbing.files). S3_ENDPOINT_URL is the store's address as browsers reach it (SeaweedFS, MinIO,
# a cloud's S3); empty means AWS itself.
S3_BUCKET = env.str("S3_BUCKET", default="")
S3_ENDPOINT_URL = env.str("S3_ENDPOINT_URL", default="")
S3_URL_SECONDS = env.int("S3_URL_SECONDS", default=120)
# The disk is always there by name ("disk"), and the object store ("objectstore") when S3_BUCKET
# is set; PRIVATE_FILES says which one the app uses: "store" (the default with S3_BUCKET) or
# "disk" (while `manage.py move_files --to store` copies the files over, docs/scaling.md).
STORAGES["disk"] = STORAGES["default"]
if S3_BUCKET:
    STORAGES["objectstore"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            # A folder in the bucket, so that installations (or test runs) can share one.
            "location": env.str("S3_LOCATION", default=""),
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": _secret("S3_ACCESS_KEY_ID", default=""),
            "secret_key": _secret("S3_SECRET_ACCESS_KEY", default=""),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": S3_URL_SECONDS,
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }
# Links that need no decision (the gallery's photos, after the page was authorised): the object
# store's signed links, or on the disk links under SIGNED_FILES_URL that nginx checks with
# secure_link against SIGNED_LINK_SECRET (deploy/nginx/kvo.conf; Django checks them itself when
# no nginx is in front). They work for GALLERY_LINK_SECONDS.
SIGNED_FILES_URL = env.str("SIGNED_FILES_URL", default="/signed/")
if not re.fullmatch(r"/[A-Za-z0-9_/-]+/", SIGNED_FILES_URL):
    raise ImproperlyConfigured("SIGNED_FILES_URL must be a path such as /signed/.")
SIGNED_LINK_SECRET = (
    _secret("SIGNED_LINK_SECRET", default="")
    or hmac.new(SECRET_KEY.encode(), b"kvo signed links", hashlib.sha256).hexdigest()
)
if not re.fullmatch(r"[A-Za-z0-9_.~+/=-]{16,200}", SIGNED_LINK_SECRET):
    # It goes into nginx's configuration as a quoted string: no quotes, `$` or spaces.
    raise ImproperlyConfigured(
        "SIGNED_LINK_SECRET must be 16 to 200 letters, digits or _.~+/=- characters."
    )
GALLERY_LINK_SECONDS = env.int("GALLERY_LINK_SECONDS", default=300)
# Behind nginx: private files are streamed by nginx from this internal location once Django has
# checked access (X-Accel-Redirect); empty means Django streams them itself.
PRIVATE_FILES_ACCEL_PREFIX = env.str("PRIVATE_FILES_ACCEL_PREFIX", default="")
if PRIVATE_FILES_ACCEL_PREFIX and not re.fullmatch(r"/[A-Za-z0-9_/-]+", PRIVATE_FILES_ACCEL_PREFIX):
    raise ImproperlyConfigured(
        "PRIVATE_FILES_ACCEL_PREFIX must be an absolute path such as /_private."
    )
WHITENOISE_USE_FINDERS = DEBUG or not env.bool("STATIC_MANIFEST", default=not DEBUG)
PRIVATE_FILES = env.str("PRIVATE_FILES", default="") or ("store" if S3_BUCKET else "disk")
if PRIVATE_FILES not in ("disk", "store") or (PRIVATE_FILES == "store" and not S3_BUCKET):
    raise ImproperlyConfigured('PRIVATE_FILES is "disk", or "store" with S3_BUCKET set.')
if PRIVATE_FILES == "store":
    STORAGES["default"] = STORAGES["objectstore"]

# --- Accounts -------------------------------------------------------------------------------------

AUTH_USER_MODEL = "merchants.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "merchants.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "merchants.adapters.AccountAdapter"
# Single sign-on with each partnership's OpenID Connect provider (merchants.sso): apps come from
# the partnerships' settings, accounts only from memberships and invitations.
SOCIALACCOUNT_ADAPTER = "merchants.sso.SsoAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
# Sign-on providers are called on https and public addresses only; true allows http and private
# addresses (a provider on the organisation's own network; the tests' provider on loopback).
SSO_LOCAL_PROVIDERS = env.bool("SSO_LOCAL_PROVIDERS", default=False)
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[KVO] "
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_PREVENT_ENUMERATION = True
# Sign-up is closed, so a reset request for an unknown address gets no "sign up here" mail.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Tell people when their password, email address or second factor changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# allauth's defaults, written out so that a reader sees them: failed logins are limited per IP and
# per account and IP (merchants.adapters: the "key" includes the client's address, so others'
# failures never lock out the owner). They count in the cache, which must be shared (Redis) when
# several web processes run.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Behind nginx every request comes from the proxy: count the client from X-Forwarded-For, or all
# users would share one login rate limit.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="KVO")
# One period either side: phone clocks drift, and officers type codes on the street.
MFA_TOTP_TOLERANCE = 1

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Officers, administrators, coordinators (and admin staff) see identities and decide measures: their
# sessions end after this many minutes without a request, and this many hours after logging in,
# whatever they do. Other accounts keep Django's two weeks (SESSION_COOKIE_AGE).
PRIVILEGED_SESSION_IDLE_MINUTES = env.int("PRIVILEGED_SESSION_IDLE_MINUTES", default=30)
PRIVILEGED_SESSION_MAX_HOURS = env.int("PRIVILEGED_SESSION_MAX_HOURS", default=12)
if not 1 <= PRIVILEGED_SESSION_IDLE_MINUTES <= PRIVILEGED_SESSION_MAX_HOURS * 60:
    raise ImproperlyConfigured(
        "PRIVILEGED_SESSION_IDLE_MINUTES must be at least 1 and at most the maximum session length."
    )

# --- Language and time ----------------------------------------------------------------------------

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Security -------------------------------------------------------------------------------------

# HTTPS=true behind TLS in production: secure cookies with the __Host- prefix, HSTS, redirects.
HTTPS = env.bool("HTTPS", default=False)
if HTTPS:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # Health checks come from inside the compose network over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere: pages load our own static files and nothing else. Images
# are ours too (photos come from views that check access); nothing may frame a page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # blob: for the report form's thumbnails of photos not yet sent (our own script); the
        # object store's origin for photos handed out by signed links (plumbing.files).
        "img-src": [
            "'self'",
            "blob:",
            *([S3_ENDPOINT_URL] if PRIVATE_FILES == "store" and S3_ENDPOINT_URL else []),
        ],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"upgrade-insecure-requests": True} if HTTPS else {}),
    }
}
# Browser features the product never uses are switched off for every page (and anything that
# might be injected into one). Photos are chosen through the file picker, which needs no camera
# permission.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)

ADMIN_URL = env.str("ADMIN_URL", default="admin/")
if not ADMIN_URL.endswith("/") or ADMIN_URL.startswith("/"):
    raise ImproperlyConfigured(
        "ADMIN_URL must be a relative path ending in a slash, e.g. 'beheer/'."
    )

# --- Product --------------------------------------------------------------------------------------

INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

# One JSON object per line on stdout, each with the request id (plumbing.logs). Log lines name
# ids and paths, never query strings, names, addresses or file names: see docs/architecture.md.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "plumbing.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "plumbing.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # WeasyPrint reports every step at INFO; its warnings and errors still come through.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Pillow's DEBUG lines print a photo's EXIF tags, GPS position included.
        "PIL": {"level": "INFO"},
        # RequestLogMiddleware writes one line per request, without the query string; Django's own
        # "Not Found: /path" warnings would repeat it.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}
