"""System checks: the sandbox never runs with DEBUG off; production has its Razorpay keys."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from .conf import sandbox_enabled

SANDBOX_WITHOUT_DEBUG = (
    "The Razorpay sandbox is enabled while DEBUG is off. It fakes payments; it must never serve a real campus."
)


def sandbox_refusal() -> str | None:
    """Why this configuration must not start, or None."""
    if sandbox_enabled() and not settings.DEBUG:
        return SANDBOX_WITHOUT_DEBUG
    return None


def guard_sandbox() -> None:
    """Called at start-up (PaymentsConfig.ready): a sandbox with DEBUG off stops the process."""
    if problem := sandbox_refusal():
        raise ImproperlyConfigured(problem)


@register(Tags.security)
def check_sandbox(app_configs=None, **kwargs) -> list:
    if problem := sandbox_refusal():
        return [Error(problem, hint="Unset RAZORPAY_SANDBOX or set the Razorpay keys.", id="payments.E001")]
    return []


@register(Tags.security, deploy=True)
def check_razorpay_keys(app_configs=None, **kwargs) -> list:
    if sandbox_enabled():
        return []
    missing = [
        name
        for name in ("RAZORPAY_KEY_ID", "RAZORPAY_KEY_SECRET", "RAZORPAY_WEBHOOK_SECRET")
        if not getattr(settings, name, "")
    ]
    if missing:
        return [
            Warning(
                f"{', '.join(missing)} not set: students cannot pay and webhooks cannot be verified.",
                id="payments.W001",
            )
        ]
    return []
