"""Refusals from the services, said in plain words for the pages.

The services' own messages are already written for people; a few codes get a
sentence that also says what to do next on the page, and validation failures
show their field messages rather than the generic "The request is not valid".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.errors import ApplicationError

_NEXT_STEP: dict[str, str] = {  # lazy: read in the language of the request
    "slot_full": gettext_lazy("That pickup time has just filled up. Your cart is still here: choose another time."),
    "slot_closed": gettext_lazy(
        "That pickup time is no longer taking orders. Your cart is still here: choose another time."
    ),
    "shop_closed": gettext_lazy("This shop has just closed, so it is not taking orders. Your cart is still here."),
    "item_unavailable": gettext_lazy("Some items in your cart are no longer available. Remove them and try again."),
    "invalid_transition": gettext_lazy(
        "This can't be done any more: the status has changed. The page shows where it is now."
    ),
    "service_unavailable": gettext_lazy(
        "We could not reach our servers just now. Nothing was changed; try again in a moment."
    ),
    "gateway_error": gettext_lazy(
        "The payment service is not answering right now. Nothing was charged; try again shortly."
    ),
}


def _flatten(value) -> Iterable[str]:
    if isinstance(value, dict):
        for inner in value.values():
            yield from _flatten(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _flatten(inner)
    elif isinstance(value, str):
        yield value


def plain_error(exc: ApplicationError, *, item_names: dict[int, str] | None = None) -> str:
    """One or two sentences a student can act on."""
    if exc.code == "item_unavailable" and item_names:
        ids = exc.details.get("items") or []
        names = [item_names[i] for i in ids if isinstance(i, int) and i in item_names]
        if names:
            return ngettext(
                "No longer available: %(names)s. Remove it from your cart and try again.",
                "No longer available: %(names)s. Remove them from your cart and try again.",
                len(names),
            ) % {"names": ", ".join(names)}
    if exc.code == "rate_limited":
        retry = exc.details.get("retry_after") or exc.details.get("resend_after") or exc.headers.get("Retry-After")
        if retry:
            seconds = int(retry)
            if seconds < 120:
                return ngettext(
                    "Too many tries. Please wait %(count)s second and try again.",
                    "Too many tries. Please wait %(count)s seconds and try again.",
                    seconds,
                ) % {"count": seconds}
            minutes = (seconds + 59) // 60
            return ngettext(
                "Too many tries. Please wait %(count)s minute and try again.",
                "Too many tries. Please wait %(count)s minutes and try again.",
                minutes,
            ) % {"count": minutes}
        return _("Too many tries. Please wait a while and try again.")
    if exc.code in _NEXT_STEP:
        return str(_NEXT_STEP[exc.code])
    if exc.code == "validation_error" and exc.details:
        messages = list(dict.fromkeys(_flatten(exc.details)))
        if messages:
            return " ".join(messages)
    return exc.message
