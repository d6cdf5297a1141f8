"""The numbers of the business rules: limits, windows and thresholds, each from the environment.

Imported whole by tntproject.settings (read them as `settings.X`, at use, never at import:
tests/test_tunables_read_at_use.py). `.env.example` lists each with its default.
"""

import environ

# tntproject.settings has read .env into the environment before importing this module.
env = environ.Env()

# --- Sign-in codes and their limits ---
OTP_TTL_SECONDS = env.int("OTP_TTL_SECONDS", default=300)
OTP_MAX_ATTEMPTS = env.int("OTP_MAX_ATTEMPTS", default=5)
OTP_RESEND_SECONDS = env.int("OTP_RESEND_SECONDS", default=30)
RATE_LIMIT_OTP_PHONE = env.str("RATE_LIMIT_OTP_PHONE", default="5/15m")
RATE_LIMIT_OTP_IP = env.str("RATE_LIMIT_OTP_IP", default="30/h")
# Wrong sign-in codes per phone, all codes together, before the phone is refused for the hour.
OTP_MAX_FAILURES_PER_HOUR = env.int("OTP_MAX_FAILURES_PER_HOUR", default=10)
# API token → user is kept in the cache this long; every ORM change of the user or its token
# forgets it at once (accounts/token_cache.py), a QuerySet.update() of a user shows after this.
TOKEN_CACHE_SECONDS = env.int("TOKEN_CACHE_SECONDS", default=60)
# Wrong admin passwords, per phone and per IP (django-ratelimit syntax).
RATE_LIMIT_ADMIN_LOGIN = env.str("RATE_LIMIT_ADMIN_LOGIN", default="10/h")

# --- Orders, slots and pickup ---
ORDER_CUTOFF_MINUTES = env.int("ORDER_CUTOFF_MINUTES", default=10)
PICKUP_CODE_MAX_ATTEMPTS = env.int("PICKUP_CODE_MAX_ATTEMPTS", default=5)
PICKUP_CODE_LOCKOUT_SECONDS = env.int("PICKUP_CODE_LOCKOUT_SECONDS", default=900)
MAX_UNPAID_ORDERS = env.int("MAX_UNPAID_ORDERS", default=3)
RATE_LIMIT_ORDERS = env.str("RATE_LIMIT_ORDERS", default="20/m")
# Kitchen flow (issue 20): weekly schedules make slots this many campus days ahead (today included);
# a shop's "busy" pause lasts at most this many hours.
SLOT_HORIZON_DAYS = env.int("SLOT_HORIZON_DAYS", default=7)
SHOP_PAUSE_MAX_HOURS = env.int("SHOP_PAUSE_MAX_HOURS", default=12)
# A ready order not collected this long after its slot ends becomes `unclaimed` (one reminder SMS).
PICKUP_GRACE_MINUTES = env.int("PICKUP_GRACE_MINUTES", default=30)
# Wrong codes typed or scanned at one vendor's counter (complete-by-code), all orders together,
# within PICKUP_CODE_LOCKOUT_SECONDS before the counter refuses codes for the rest of that window.
PICKUP_COUNTER_MAX_MISSES = env.int("PICKUP_COUNTER_MAX_MISSES", default=20)
# Minutes a kitchen takes per order on average: the ready-time estimate's queue (ordering.services.estimates).
ORDER_PREP_MINUTES = env.int("ORDER_PREP_MINUTES", default=5)

# --- Web Push (issue 24) ---
# How long a push service keeps an undelivered notification for a phone that is offline.
PUSH_TTL_SECONDS = env.int("PUSH_TTL_SECONDS", default=3600)
# Refusals or network errors in a row after which a subscription is dropped (SMS again).
PUSH_MAX_FAILURES = env.int("PUSH_MAX_FAILURES", default=5)
# Browsers one user may have subscribed at once; the oldest beyond it are dropped.
PUSH_MAX_SUBSCRIPTIONS_PER_USER = env.int("PUSH_MAX_SUBSCRIPTIONS_PER_USER", default=10)

# --- Payments ---
RATE_LIMIT_PAYMENTS = env.str("RATE_LIMIT_PAYMENTS", default="30/m")
PAYMENT_WINDOW_MINUTES = env.int("PAYMENT_WINDOW_MINUTES", default=10)
PLATFORM_FEE_BPS = env.int("PLATFORM_FEE_BPS", default=0)
RECONCILE_AFTER_SECONDS = env.int("RECONCILE_AFTER_SECONDS", default=300)
# Webhooks are stored and answered at once, then applied by a worker: attempts that may raise
# before the event is `failed` (replayed by hand), and how long a pending event may wait since it
# arrived or was last tried before reconciliation queues it again.
WEBHOOK_APPLY_MAX_ATTEMPTS = env.int("WEBHOOK_APPLY_MAX_ATTEMPTS", default=8)
WEBHOOK_REQUEUE_AFTER_SECONDS = env.int("WEBHOOK_REQUEUE_AFTER_SECONDS", default=300)
IDEMPOTENCY_IN_FLIGHT_TIMEOUT_SECONDS = env.int("IDEMPOTENCY_IN_FLIGHT_TIMEOUT_SECONDS", default=120)
IDEMPOTENCY_KEY_RETENTION_HOURS = env.int("IDEMPOTENCY_KEY_RETENTION_HOURS", default=24)

# --- Catalogue and menus ---
# Public menus and vendor details are served from the cache; writes outside the ORM show after this.
CATALOG_PUBLIC_CACHE_SECONDS = env.int("CATALOG_PUBLIC_CACHE_SECONDS", default=60)
MENU_IMAGE_MAX_MB = env.int("MENU_IMAGE_MAX_MB", default=5)
STOCK_RESET_HOUR = env.int("STOCK_RESET_HOUR", default=4)  # `stock` back to `daily_stock`, campus time

# --- Print shops ---
RATE_LIMIT_PRINT = env.str("RATE_LIMIT_PRINT", default="20/h")
PRINT_MAX_OPEN_JOBS = env.int("PRINT_MAX_OPEN_JOBS", default=5)
PRINT_UNACCEPTED_EXPIRY_HOURS = env.int("PRINT_UNACCEPTED_EXPIRY_HOURS", default=24)
# A file chosen on the print form is uploaded once and kept this long for re-pricing and sending.
PRINT_UPLOAD_TTL_MINUTES = env.int("PRINT_UPLOAD_TTL_MINUTES", default=60)
# A print job's final amount more than this many percent above its estimate needs a reason,
# and lets the student still cancel the ready job.
PRINT_PRICE_TOLERANCE_PCT = env.int("PRINT_PRICE_TOLERANCE_PCT", default=10)
# Files of more selected pages than this are read in the background.
PRINT_ANALYSIS_INLINE_PAGES = env.int("PRINT_ANALYSIS_INLINE_PAGES", default=12)
PRINT_ANALYSIS_TIMEOUT_SECONDS = env.float("PRINT_ANALYSIS_TIMEOUT_SECONDS", default=10.0)
PRINT_ANALYSIS_TASK_TIMEOUT_SECONDS = env.float("PRINT_ANALYSIS_TASK_TIMEOUT_SECONDS", default=120.0)
PRINT_ANALYSIS_MEMORY_MB = env.int("PRINT_ANALYSIS_MEMORY_MB", default=768)  # each renderer child's limit
PRINT_ESTIMATE_PREVIEWS = env.int("PRINT_ESTIMATE_PREVIEWS", default=4)  # data: URLs in the estimate
PRINT_ANALYSIS_PROCESSES = env.int("PRINT_ANALYSIS_PROCESSES", default=2)

# --- The admin status page's thresholds (campus.status; docs/operations.md says what each alert means) ---
OPS_WEBHOOK_LAG_ALERT_SECONDS = env.int("OPS_WEBHOOK_LAG_ALERT_SECONDS", default=120)
OPS_PAYMENT_OPEN_ALERT_MINUTES = env.int("OPS_PAYMENT_OPEN_ALERT_MINUTES", default=30)
OPS_QUEUE_ALERT_LENGTH = env.int("OPS_QUEUE_ALERT_LENGTH", default=100)
OPS_REFUNDS_FAILED_ALERT = env.int("OPS_REFUNDS_FAILED_ALERT", default=0)
OPS_RECONCILE_STALE_MINUTES = env.int("OPS_RECONCILE_STALE_MINUTES", default=10)
OPS_WORKERS_EXPECTED = env.int("OPS_WORKERS_EXPECTED", default=1)

# --- Live events (issue 24): GET /api/v1/events ---
# A `: ping` comment this often keeps an idle stream (and the proxies before it) open.
EVENTS_HEARTBEAT_SECONDS = env.float("EVENTS_HEARTBEAT_SECONDS", default=15.0)
# Last-Event-ID replays the user's events of this many seconds back; older ones are trimmed.
EVENTS_REPLAY_SECONDS = env.int("EVENTS_REPLAY_SECONDS", default=300)
