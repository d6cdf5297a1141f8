"""The effective Razorpay configuration, read from settings on every call (tests override them).

In the embedded development mode (`DEBUG` on, no Razorpay keys) the project talks
to its own sandbox (the `razorpay_sandbox` app) with fixed, public development keys.
Nothing here ever makes the sandbox answer in production: `payments.checks`
refuses a sandbox with `DEBUG` off, and `PaymentsConfig.ready()` stops the process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

LIVE_BASE_URL = "https://api.razorpay.com"
# Where tntproject/urls.py mounts the sandbox app, when it is installed.
SANDBOX_PATH = "/api/v1/sandbox/razorpay"
# Development-only credentials of the sandbox; public on purpose, useless against Razorpay.
SANDBOX_KEY_ID = "rzp_test_tntsandbox"
SANDBOX_KEY_SECRET = "tnt-sandbox-key-secret-development-only"
SANDBOX_WEBHOOK_SECRET = "tnt-sandbox-webhook-secret-development-only"

# The origin (scheme://host:port) of the server the sandbox runs in; the sandbox app installs
# its resolver (the request being served). Payments never imports the sandbox.
def _no_origin() -> str:
    return ""


_sandbox_origin: Callable[[], str] = _no_origin


def sandbox_origin_resolver_set(resolver: Callable[[], str]) -> None:
    global _sandbox_origin
    _sandbox_origin = resolver


def sandbox_base_url() -> str:
    """`RAZORPAY_SANDBOX_BASE_URL`, else the sandbox on this very server (never a fixed host or port)."""
    configured = getattr(settings, "RAZORPAY_SANDBOX_BASE_URL", "")
    return (configured or f"{_sandbox_origin()}{SANDBOX_PATH}").rstrip("/")


def sandbox_enabled() -> bool:
    """Is the development sandbox standing in for Razorpay?

    `RAZORPAY_SANDBOX` when set; otherwise on exactly when `DEBUG` is on and no
    Razorpay key is configured (the embedded mode).
    """
    explicit = getattr(settings, "RAZORPAY_SANDBOX", None)
    if explicit is not None:
        return bool(explicit)
    return bool(settings.DEBUG) and not settings.RAZORPAY_KEY_ID


@dataclass(frozen=True)
class RazorpayConfig:
    key_id: str
    key_secret: str
    webhook_secret: str
    base_url: str
    timeout: float
    sandbox: bool

    @property
    def configured(self) -> bool:
        return bool(self.key_id and self.key_secret)


def razorpay_config() -> RazorpayConfig:
    sandbox = sandbox_enabled()
    base_url = (settings.RAZORPAY_BASE_URL or LIVE_BASE_URL).rstrip("/")
    if sandbox and base_url == LIVE_BASE_URL:
        # The sandbox never sends anything to the real Razorpay.
        base_url = sandbox_base_url()
    return RazorpayConfig(
        key_id=settings.RAZORPAY_KEY_ID or (SANDBOX_KEY_ID if sandbox else ""),
        key_secret=settings.RAZORPAY_KEY_SECRET or (SANDBOX_KEY_SECRET if sandbox else ""),
        webhook_secret=settings.RAZORPAY_WEBHOOK_SECRET or (SANDBOX_WEBHOOK_SECRET if sandbox else ""),
        base_url=base_url,
        timeout=float(settings.RAZORPAY_TIMEOUT_SECONDS),
        sandbox=sandbox,
    )
