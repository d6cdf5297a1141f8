"""Hooks that higher layers register, so `accounts` never imports them.

`catalog` registers a handler that creates the shop of a vendor who signs up, and one
that forgets what it cached about a vendor whose access changed (approved, rejected,
blocked, unblocked), since students see only approved, active vendors. `events` registers
one that ends a blocked user's open event streams.
"""

from collections.abc import Callable
from typing import Any

VendorSignupHandler = Callable[..., Any]
VendorAccessHandler = Callable[..., Any]
_vendor_signup_handlers: list[VendorSignupHandler] = []
_vendor_access_handlers: list[VendorAccessHandler] = []
UserBlockedHandler = Callable[..., Any]
_user_blocked_handlers: list[UserBlockedHandler] = []


def register_vendor_signup(handler: VendorSignupHandler) -> None:
    if handler not in _vendor_signup_handlers:
        _vendor_signup_handlers.append(handler)


def run_vendor_signup(*, user, shop_name: str) -> None:
    """Called inside the sign-up transaction for a new vendor."""
    for handler in _vendor_signup_handlers:
        handler(user=user, shop_name=shop_name)


def register_vendor_access_changed(handler: VendorAccessHandler) -> None:
    if handler not in _vendor_access_handlers:
        _vendor_access_handlers.append(handler)


def run_vendor_access_changed(*, user) -> None:
    """Called inside the transaction that approves, rejects, blocks or unblocks vendor `user`."""
    for handler in _vendor_access_handlers:
        handler(user=user)


def register_user_blocked(handler: UserBlockedHandler) -> None:
    if handler not in _user_blocked_handlers:
        _user_blocked_handlers.append(handler)


def run_user_blocked(*, user) -> None:
    """Called inside the transaction that blocks `user` (any role), after its credentials are gone."""
    for handler in _user_blocked_handlers:
        handler(user=user)
