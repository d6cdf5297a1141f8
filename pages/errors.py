"""Refusals from the services, said in plain words for the pages.

The services' own messages are already written for people; a few codes get a
sentence that also says what to do next on the page, and validation failures
show their field messages rather than the generic "The request is not valid".
"""

from __future__ import annotations

from collections.abc import Iterable

from core.errors import ApplicationError

_NEXT_STEP: dict[str, str] = {
    "slot_full": "That pickup time has just filled up. Your cart is still here: choose another time.",
    "slot_closed": "That pickup time is no longer taking orders. Your cart is still here: choose another time.",
    "shop_closed": "This shop has just closed, so it is not taking orders. Your cart is still here.",
    "item_unavailable": "Some items in your cart are no longer available. Remove them and try again.",
    "invalid_transition": "This can't be done any more: the status has changed. The page shows where it is now.",
    "service_unavailable": "We could not reach our servers just now. Nothing was changed; try again in a moment.",
    "gateway_error": "The payment service is not answering right now. Nothing was charged; try again shortly.",
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
            them = "it" if len(names) == 1 else "them"
            return f"No longer available: {', '.join(names)}. Remove {them} from your cart and try again."
    if exc.code == "rate_limited":
        retry = exc.details.get("retry_after") or exc.details.get("resend_after") or exc.headers.get("Retry-After")
        if retry:
            seconds = int(retry)
            wait = f"{seconds} seconds" if seconds < 120 else f"{(seconds + 59) // 60} minutes"
            return f"Too many tries. Please wait {wait} and try again."
        return "Too many tries. Please wait a while and try again."
    if exc.code in _NEXT_STEP:
        return _NEXT_STEP[exc.code]
    if exc.code == "validation_error" and exc.details:
        messages = list(dict.fromkeys(_flatten(exc.details)))
        if messages:
            return " ".join(messages)
    return exc.message
