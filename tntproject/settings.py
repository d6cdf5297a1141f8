"""Tap N Take settings: one module, everything from the environment.

Defaults give the embedded mode (`make run`): SQLite, the local-memory cache,
Celery tasks run eagerly in-process. Setting DATABASE_URL, REDIS_URL and the
rest switches to production; `.env.example` lists every variable.
"""

import json
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Required without DEBUG: left empty, web and Celery refuse to start (tntproject/startup.py).
SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-change-me-" + "x" * 40 if DEBUG else "")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where students reach the pages: the links in text messages are made from it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "x-csrftoken",
    "x-request-id",
)
CORS_EXPOSE_HEADERS = ["X-Request-ID", "Retry-After"]

INSTALLED_APPS = [
    # Django's admin with the Tap N Take site: password + SMS code sign-in (accounts/admin_site.py).
    "accounts.admin_site.TntAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "catalog",
    "ledger",
    # Issue 24: live updates (Server-Sent Events) at /api/v1/events.
    "events",
    # Issue 24: Web Push before SMS (subscriptions, VAPID, the one notify_user).
    "push",
    "payments",
    "ordering",
    "stationery",
    "pages",
    "dashboard",
    # Issue 17: management commands over the whole campus (seed_demo).
    "campus",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "core.middleware.AccessLogMiddleware",
    "core.middleware.ApiErrorEnvelopeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.LanguageMiddleware",  # after the user is known: their stored language first
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tntproject.urls"
WSGI_APPLICATION = "tntproject.wsgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=3))
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (OTPs, rate limits) ---------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",  # Django's, with one client per pool (core/cache.py)
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="tnt"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # django-ratelimit knows Django's RedisCache only by its own path; core.cache's is that class.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tnt"}}
    # One process shares one local-memory cache, so the limits still hold there;
    # in production REDIS_URL makes them shared across processes.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login"
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Internationalisation --------------------------------------------------
LANGUAGE_CODE, LANGUAGES, LOCALE_PATHS = "en", [("en", "English"), ("hi", "हिन्दी")], [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME, LANGUAGE_COOKIE_AGE, LANGUAGE_COOKIE_SAMESITE = "tnt_language", 365 * 24 * 60 * 60, "Lax"
LANGUAGE_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)  # issue 25, see core/i18n.py
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").exists() else []
# Uploaded print files are private: stored outside any public URL, served by views only.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "uploads")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names need `collectstatic` first (the Procfile's release step does it).
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
PRINT_MAX_UPLOAD_MB = env.int("PRINT_MAX_UPLOAD_MB", default=20)
PRINT_MAX_PAGES = env.int("PRINT_MAX_PAGES", default=500)
PRINT_FILE_RETENTION_HOURS = env.int("PRINT_FILE_RETENTION_HOURS", default=48)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Security -------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front of the app may be believed in X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- REST framework and schema ---------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tap N Take API",
    "DESCRIPTION": "Campus food pre-ordering, print jobs and Razorpay payments.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A dead worker's unacknowledged task is handed out again after visibility_timeout (keep it above
# the longest retry back-off); kombu looks every unacked_restore_interval × _throttle seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=1),
}
CELERY_TIMEZONE = TIME_ZONE
# Every periodic job, in one place.
CELERY_BEAT_SCHEDULE: dict = {
    "expire-unpaid-orders": {"task": "ordering.tasks.expire_unpaid_orders", "schedule": 60.0},
    "reconcile-payments": {"task": "payments.tasks.reconcile_payments", "schedule": 120.0},
    "purge-print-files": {"task": "stationery.tasks.purge_print_files", "schedule": crontab(minute=17)},
    "purge-idempotency-keys": {"task": "accounts.tasks.purge_idempotency_keys", "schedule": crontab(minute=43)},
}

# --- Domain settings: the business rules' numbers live in tntproject/tunables.py ---
from .tunables import *  # noqa: E402,F403 - every tunable is a setting

RATELIMIT_USE_CACHE = "default"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)

# No default without DEBUG: production must say how texts leave (accounts.checks E004).
SMS_BACKEND = env.str("SMS_BACKEND", default="console" if DEBUG else "")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(BASE_DIR / "var" / "sms.jsonl"))
SMS_SENDER_ID = env.str("SMS_SENDER_ID", default="TAPNTK")
MSG91_AUTH_KEY = env.str("MSG91_AUTH_KEY", default="")
MSG91_TEMPLATE_ID = env.str("MSG91_TEMPLATE_ID", default="")
MSG91_BODY_VARIABLE = env.str("MSG91_BODY_VARIABLE", default="body")
MSG91_BASE_URL = env.str("MSG91_BASE_URL", default="https://control.msg91.com")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
TWILIO_BASE_URL = env.str("TWILIO_BASE_URL", default="https://api.twilio.com")
SMS_TIMEOUT_SECONDS = env.float("SMS_TIMEOUT_SECONDS", default=5.0)

# --- Web Push (issue 24; push/vapid.py says the key formats). None set: push off, all by SMS ---
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="")
VAPID_PUBLIC_KEY = env.str("VAPID_PUBLIC_KEY", default="")
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default="")
# `make run` writes development keys here (manage.py vapid_dev_keys); read only with DEBUG on.
VAPID_DEV_KEYS_FILE = BASE_DIR / "var" / "vapid-dev.json"
if DEBUG and not (VAPID_PRIVATE_KEY or VAPID_PUBLIC_KEY) and VAPID_DEV_KEYS_FILE.exists():
    _dev_keys = json.loads(VAPID_DEV_KEYS_FILE.read_text())
    VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY = _dev_keys["private_key"], _dev_keys["public_key"]
    VAPID_SUBJECT = VAPID_SUBJECT or _dev_keys["subject"]
# The server POSTs only to https endpoints on these push services ("*.x" is any name under x).
PUSH_ALLOWED_HOSTS = env.list(
    "PUSH_ALLOWED_HOSTS",
    default=[
        "fcm.googleapis.com",
        "updates.push.services.mozilla.com",
        "*.notify.windows.com",
        "web.push.apple.com",
        "*.push.apple.com",
    ],
)
# Plain http to a loopback address in PUSH_ALLOWED_HOSTS (a local test push service). Never in production.
PUSH_ALLOW_HTTP_LOOPBACK = env.bool("PUSH_ALLOW_HTTP_LOOPBACK", default=False)
PUSH_TIMEOUT_SECONDS = env.float("PUSH_TIMEOUT_SECONDS", default=5.0)

RAZORPAY_KEY_ID = env.str("RAZORPAY_KEY_ID", default="")
RAZORPAY_KEY_SECRET = env.str("RAZORPAY_KEY_SECRET", default="")
RAZORPAY_WEBHOOK_SECRET = env.str("RAZORPAY_WEBHOOK_SECRET", default="")
# With DEBUG on and no keys, the built-in sandbox stands in for Razorpay (razorpay_sandbox/).
RAZORPAY_SANDBOX = env.bool("RAZORPAY_SANDBOX", default=DEBUG and not RAZORPAY_KEY_ID)
RAZORPAY_BASE_URL = env.str("RAZORPAY_BASE_URL", default="https://api.razorpay.com")
RAZORPAY_TIMEOUT_SECONDS = env.float("RAZORPAY_TIMEOUT_SECONDS", default=8.0)
# Where the sandbox delivers its signed webhooks; empty: this server's own webhook URL.
RAZORPAY_SANDBOX_WEBHOOK_URL = env.str("RAZORPAY_SANDBOX_WEBHOOK_URL", default="")

# --- The development Razorpay sandbox: an app installed and mounted only when on --------
RAZORPAY_SANDBOX_INSTALLED = env.bool("RAZORPAY_SANDBOX_INSTALLED", default=RAZORPAY_SANDBOX)
RAZORPAY_SANDBOX_BASE_URL = env.str("RAZORPAY_SANDBOX_BASE_URL", default="")
if RAZORPAY_SANDBOX_INSTALLED:
    INSTALLED_APPS = [*INSTALLED_APPS, "razorpay_sandbox"]
    MIDDLEWARE = [*MIDDLEWARE, "razorpay_sandbox.middleware.SandboxOriginMiddleware"]

# --- Logging: structured lines on stdout -----------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# JSON lines on stdout with the request id; core.logging.configure builds the whole dictConfig.
LOGGING_CONFIG = "core.logging.configure"
LOGGING = {"level": LOG_LEVEL}

WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Abuse limits' beat jobs and request bodies (issue 14) ---------------------
CELERY_BEAT_SCHEDULE["expire-unaccepted-print-jobs"] = {
    "task": "stationery.tasks.expire_unaccepted_print_jobs",
    "schedule": crontab(minute="*/15"),
}
CELERY_BEAT_SCHEDULE["clear-expired-sessions"] = {
    "task": "tntproject.tasks.clear_expired_sessions",
    "schedule": crontab(minute=31, hour=3),
}
# JSON bodies: RecursionError and over-DATA_UPLOAD_MAX_MEMORY_SIZE bodies answered 400 / 413, never 500.
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "core.parsers.JSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
_envelope = MIDDLEWARE.index("core.middleware.ApiErrorEnvelopeMiddleware") + 1
MIDDLEWARE[_envelope:_envelope] = [
    "core.middleware.RequestSizeLimitMiddleware",
    "core.middleware.ForwardedForWatchMiddleware",
]

# --- Content-Security-Policy (django-csp) --------------------------------------
# No inline script or style anywhere (templates load static files); Razorpay's checkout.js,
# its iframe and its calls are the only other origins. Responses that set their own policy
# (the print-file download's `default-src 'none'; sandbox`) keep it.
from csp.constants import NONE, SELF  # noqa: E402 - next to the one block that uses them

RAZORPAY_CHECKOUT_ORIGINS = ["https://checkout.razorpay.com", "https://api.razorpay.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **{directive: [SELF] for directive in ("default-src", "style-src", "font-src", "base-uri", "form-action")},
        **{directive: [NONE] for directive in ("object-src", "frame-ancestors")},
        "script-src": [SELF, "https://checkout.razorpay.com"],
        "img-src": [SELF, "data:", "https://*.razorpay.com"],
        "connect-src": [SELF, "https://*.razorpay.com"],
        "frame-src": RAZORPAY_CHECKOUT_ORIGINS,
    },
}
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "core.middleware.CSPMiddleware")  # noqa: E501

# --- Money states everyone sees alike (issue 16) ----------------------------
CELERY_BEAT_SCHEDULE["reject-unaccepted-orders"] = {
    "task": "ordering.tasks.reject_unaccepted_orders",
    "schedule": env.float("REJECT_UNACCEPTED_EVERY_SECONDS", default=60.0),
}
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["RefundStatusEnum"] = "payments.models.Refund.Status"

# Blocks with an end date: accounts are let back in once it passes (accounts.services.users_unblock_expired).
CELERY_BEAT_SCHEDULE["unblock-expired-users"] = {"task": "accounts.tasks.unblock_expired_users", "schedule": 300.0}
# --- On call (issue 26): /metrics answers only these addresses or networks, 404 to anyone else ---
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
SECURE_REDIRECT_EXEMPT = [*SECURE_REDIRECT_EXEMPT, r"^metrics$"]
MIDDLEWARE.insert(0, "core.middleware.MetricsMiddleware")
# Sentry: off unless SENTRY_DSN is set (core.apps starts it); events scrubbed of personal data (core.sentry).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT, SENTRY_RELEASE = env.str("SENTRY_ENVIRONMENT", default=""), env.str("SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
# --- Menus (issue 19): public photos in their own storage (catalog.media serves them here) ---
MENU_IMAGE_ROOT = Path(env.str("MENU_IMAGE_ROOT", default=str(BASE_DIR / "var" / "menu-images")))
MENU_IMAGE_URL = env.str("MENU_IMAGE_URL", default="/media/menu/")
STORAGES["menu_images"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(MENU_IMAGE_ROOT), "base_url": MENU_IMAGE_URL},
}
CELERY_BEAT_SCHEDULE["reset-daily-stock"] = {
    "task": "catalog.tasks.reset_daily_stock",
    "schedule": crontab(minute=0, hour=STOCK_RESET_HOUR),  # noqa: F405 - from tunables
}
# --- Kitchen flow (issue 20): the weekly schedules' slots, made again every night at 00:10 (campus time) ---
CELERY_BEAT_SCHEDULE["generate-slots"] = {"task": "ordering.tasks.generate_slots", "schedule": crontab(10, 0)}
# Ready orders not collected PICKUP_GRACE_MINUTES after their slot become unclaimed.
CELERY_BEAT_SCHEDULE["mark-unclaimed-orders"] = {
    "task": "ordering.tasks.mark_unclaimed_orders",
    "schedule": env.float("MARK_UNCLAIMED_EVERY_SECONDS", default=300.0),
}
