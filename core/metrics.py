"""Metrics for the engineer on call: Prometheus' text format at `/metrics`.

Two kinds of series, because several gunicorn workers and Celery processes run at once:

- Per request (`tnt_http_*`): counted in the serving process by `core.middleware.MetricsMiddleware`.
  Each gunicorn worker has its own numbers; Prometheus sees whichever worker answered the scrape,
  so sum or rate them per instance (docs/operations.md says so).
- Business series (`tnt_orders_*`, `tnt_payments_*`, `tnt_webhook_*`, …): computed at scrape time by
  `campus.metrics.BusinessCollector` (registered by campus at start-up) from the database and Redis, so every process
  reports them alike. Events that leave no row (an SMS sent, a push failed, a Celery task failed)
  are counted with `count(name)` in the shared cache (Redis INCR), which every process bumps and reads.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

logger = logging.getLogger(__name__)

# --- counters shared by every process (the cache: Redis in production) ---------------------------

# The events counted with `count()`; each is exposed as tnt_<name>_total.
COUNTED_EVENTS = ("sms_sent", "sms_failed", "push_sent", "push_failed")
_COUNTER_PREFIX = "metrics:count:"
_NAME = re.compile(r"^[a-z0-9_.:-]{1,120}$")


def counter_key(name: str) -> str:
    return _COUNTER_PREFIX + name


def count(name: str, amount: int = 1) -> None:
    """Add `amount` to the shared counter `name` (e.g. `count("push_sent")`); never fails the caller.

    Atomic across processes on Redis (INCR). A counter lives until the cache is flushed, which
    Prometheus reads as a counter reset.
    """
    if not _NAME.match(name):
        raise ValueError(f"not a metric counter name: {name!r}")
    key = counter_key(name)
    try:
        try:
            cache.incr(key, amount)
        except ValueError:  # not there yet
            if not cache.add(key, amount, timeout=None):
                cache.incr(key, amount)
    except Exception:  # metrics never break the work they count
        logger.warning("could not count %s in the cache", name)


def counts(names: list[str]) -> dict[str, int]:
    """The shared counters `names` (0 for those never bumped); {} when the cache is unreachable."""
    try:
        found = cache.get_many([counter_key(name) for name in names])
    except Exception:
        logger.warning("could not read the metric counters from the cache")
        return {}
    return {name: int(found.get(counter_key(name)) or 0) for name in names}


# --- per-request series (process-local) -------------------------------------------------------------

_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_QUERY_BUCKETS = (0, 1, 2, 5, 10, 20, 50, 100, 200)

HTTP_REQUESTS = Counter(
    "tnt_http_requests", "Requests answered by this process, by view, method and status.", ["view", "method", "status"]
)
HTTP_LATENCY = Histogram(
    "tnt_http_request_duration_seconds",
    "Time to answer a request in this process, by view and status.",
    ["view", "status"],
    buckets=_LATENCY_BUCKETS,
)
HTTP_DB_QUERIES = Histogram(
    "tnt_http_request_db_queries",
    "Database queries made while answering one request in this process, by view.",
    ["view"],
    buckets=_QUERY_BUCKETS,
)


def view_label(request: HttpRequest) -> str:
    """A bounded label for the view that answered: its URL name (namespaced), else its function's path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or getattr(match, "_func_path", "") or "unnamed"


# (view, method, status) -> the three series a request of that kind counts in. Looking a child up
# by its labels takes the metric's lock and builds a key each time; the kinds are few and bounded
# (view names from the URL conf), so they are looked up once per process.
_series: dict[tuple[str, str, int], tuple] = {}
# Any other method a client invents is counted as one "other", so it cannot grow the series.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(*, request: HttpRequest, status: int, seconds: float, queries: int) -> None:
    method = request.method if request.method in _METHODS else "other"
    kind = (view_label(request), method, status)
    series = _series.get(kind)
    if series is None:
        view, method, code = kind[0], kind[1], str(status)
        series = _series.setdefault(
            kind,
            (
                HTTP_REQUESTS.labels(view=view, method=method, status=code),
                HTTP_LATENCY.labels(view=view, status=code),
                HTTP_DB_QUERIES.labels(view=view),
            ),
        )
    requests, latency, db_queries = series
    requests.inc()
    latency.observe(seconds)
    db_queries.observe(queries)


# --- the endpoint -------------------------------------------------------------------------------------


def _allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    for entry in settings.METRICS_ALLOWED_IPS:
        try:
            if ip in ipaddress.ip_network(entry.strip(), strict=False):
                return True
        except ValueError:
            logger.warning("METRICS_ALLOWED_IPS entry is not an address or network: %r", entry)
    return False


# The scrape-time collectors, on a registry of their own: the kernel knows no app's models, so
# the app that owns the whole campus picture registers its collector at start-up (campus.apps).
_business_registry = CollectorRegistry(auto_describe=False)
_business_collectors: set[type] = set()


def business_collector_register(collector) -> None:
    """Expose `collector` at /metrics, once per collector class however often start-up runs."""
    if type(collector) not in _business_collectors:
        _business_registry.register(collector)
        _business_collectors.add(type(collector))


def business_registry() -> CollectorRegistry:
    """The registry of the scrape-time collectors."""
    return _business_registry


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format, only to METRICS_ALLOWED_IPS (by `core.ip.client_ip`); 404 to anyone else."""
    from .ip import client_ip

    if not _allowed(client_ip(request)):
        raise Http404
    started = time.perf_counter()
    body = generate_latest(REGISTRY) + generate_latest(business_registry())
    logger.debug("metrics scraped in %.3fs", time.perf_counter() - started)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
