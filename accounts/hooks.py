"""Hooks that higher layers register, so `accounts` never imports them.

`catalog` registers a handler that creates the shop of a vendor who signs up.
"""

from collections.abc import Callable
from typing import Any

VendorSignupHandler = Callable[..., Any]
_vendor_signup_handlers: list[VendorSignupHandler] = []


def register_vendor_signup(handler: VendorSignupHandler) -> None:
    if handler not in _vendor_signup_handlers:
        _vendor_signup_handlers.append(handler)


def run_vendor_signup(*, user, shop_name: str) -> None:
    """Called inside the sign-up transaction for a new vendor."""
    for handler in _vendor_signup_handlers:
        handler(user=user, shop_name=shop_name)
