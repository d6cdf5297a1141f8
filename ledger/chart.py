"""The chart of accounts: which account codes exist and what type each one is.

Codes are strings so callers (payments) can name an account without a query:

    gateway:<name>         asset      money held at (or owed to us by) a payment gateway
    bank:<name>            asset      the campus bank account payouts leave from
    vendor:<id>:pending    liability  what vendor <id> is owed for orders and print jobs not yet completed
    vendor:<id>:payable    liability  what the campus owes vendor <id> and a payout may take (available)
    platform:commission    income     the campus's fee on captures
    expense:gateway_fees   expense    Razorpay's fee (with its GST) on each capture, never given back

A capture credits the vendor's `pending` account; completing the order or print
job posts a `release` that moves the money on to `payable` (available).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GATEWAY = "gateway:razorpay"
COMMISSION = "platform:commission"
PAYOUTS = "bank:payouts"
GATEWAY_FEES = "expense:gateway_fees"

_VENDOR_ACCOUNT = re.compile(r"^vendor:(?P<vendor_id>[1-9][0-9]{0,18}):(?P<part>payable|pending)$")
_ASSET = re.compile(r"^(gateway|bank):[a-z0-9_-]{1,40}$")
_EXPENSE = re.compile(r"^expense:[a-z0-9_-]{1,40}$")


def _check_vendor_id(vendor_id: int) -> None:
    if isinstance(vendor_id, bool) or not isinstance(vendor_id, int) or vendor_id <= 0:
        raise ValueError(f"vendor_id must be a positive integer, not {vendor_id!r}")


def vendor_payable(vendor_id: int) -> str:
    """The code of the liability account holding what the campus owes this vendor and may pay out (available)."""
    _check_vendor_id(vendor_id)
    return f"vendor:{vendor_id}:payable"


def vendor_pending(vendor_id: int) -> str:
    """The code of the liability account holding the vendor's money of orders and jobs not yet completed."""
    _check_vendor_id(vendor_id)
    return f"vendor:{vendor_id}:pending"


def vendor_accounts(vendor_id: int) -> tuple[str, str]:
    """Both of the vendor's accounts: (pending, payable)."""
    return vendor_pending(vendor_id), vendor_payable(vendor_id)


class UnknownAccountCode(ValueError):
    pass


@dataclass(frozen=True)
class AccountSpec:
    """What an account code says about the account it names."""

    code: str
    type: str  # one of ledger.models.Account.Type values
    vendor_id: int | None = None

    @property
    def name(self) -> str:
        if self.vendor_id is not None:
            if self.code.endswith(":pending"):
                return f"Pending for vendor {self.vendor_id}"
            return f"Payable to vendor {self.vendor_id}"
        return {
            GATEWAY: "Razorpay gateway",
            COMMISSION: "Platform commission",
            PAYOUTS: "Bank: vendor payouts",
            GATEWAY_FEES: "Razorpay fees",
        }.get(self.code, self.code)


def parse_code(code: str) -> AccountSpec:
    """The type (and vendor) of the account a code names; `UnknownAccountCode` if it names none."""
    if not isinstance(code, str):
        raise UnknownAccountCode(f"account code must be a string, not {type(code).__name__}")
    if match := _VENDOR_ACCOUNT.match(code):
        return AccountSpec(code=code, type="liability", vendor_id=int(match["vendor_id"]))
    if _ASSET.match(code):
        return AccountSpec(code=code, type="asset")
    if _EXPENSE.match(code):
        return AccountSpec(code=code, type="expense")
    if code == COMMISSION:
        return AccountSpec(code=code, type="income")
    raise UnknownAccountCode(f"unknown account code {code!r}")


def vendor_id_of(code: str) -> int | None:
    """The vendor whose account (pending or payable) this code names, or None."""
    match = _VENDOR_ACCOUNT.match(code) if isinstance(code, str) else None
    return int(match["vendor_id"]) if match else None
