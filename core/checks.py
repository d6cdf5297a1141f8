"""System checks of the kernel: the proxy in front of the app."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning, register

from .ip import untrusted_forwarded_for_seen


@register("core", deploy=True)
def check_trusted_proxies(app_configs=None, **kwargs) -> list[Warning]:
    """Warn when there is evidence of a proxy in front of the app while TRUSTED_PROXY_COUNT is 0.

    Behind an untrusted proxy every client has the proxy's address, so the per-IP rate
    limits put everyone in one bucket. Evidence: requests that arrived with X-Forwarded-For
    (recorded by `core.ip.note_forwarded_for`), or SECURE_PROXY_SSL_HEADER being set.
    Without evidence nothing is said (the app may well face the clients directly).
    """
    if int(settings.TRUSTED_PROXY_COUNT) > 0:
        return []
    evidence = []
    if untrusted_forwarded_for_seen():
        evidence.append("requests arrived with X-Forwarded-For")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        evidence.append("SECURE_PROXY_SSL_HEADER is set")
    if not evidence:
        return []
    return [
        Warning(
            f"TRUSTED_PROXY_COUNT is 0 but the app is behind a proxy ({'; '.join(evidence)}): every client "
            "shares the proxy's address, and so one rate-limit bucket.",
            hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of the app that append X-Forwarded-For.",
            # The id it has always had: operators silence or grep it by that name.
            id="accounts.W010",
        )
    ]
