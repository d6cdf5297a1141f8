"""The chart of accounts: which account codes exist and what type each one is.

Codes are strings so callers (payments) can name an account without a query:

    gateway:<name>         asset      money held at (or owed to us by) a payment gateway
    bank:<name>            asset      the campus bank account payouts leave from
    vendor:<id>:payable    liability  what the campus owes vendor <id>
    platform:commission    income     the campus's fee on captures
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GATEWAY = "gateway:razorpay"
COMMISSION = "platform:commission"
PAYOUTS = "bank:payouts"

_VENDOR_PAYABLE = re.compile(r"^vendor:(?P<vendor_id>[1-9][0-9]{0,18}):payable$")
_ASSET = re.compile(r"^(gateway|bank):[a-z0-9_-]{1,40}$")


def vendor_payable(vendor_id: int) -> str:
    """The code of the liability account holding what the campus owes this vendor."""
    if isinstance(vendor_id, bool) or not isinstance(vendor_id, int) or vendor_id <= 0:
        raise ValueError(f"vendor_id must be a positive integer, not {vendor_id!r}")
    return f"vendor:{vendor_id}:payable"


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
            return f"Payable to vendor {self.vendor_id}"
        return {GATEWAY: "Razorpay gateway", COMMISSION: "Platform commission", PAYOUTS: "Bank: vendor payouts"}.get(
            self.code, self.code
        )


def parse_code(code: str) -> AccountSpec:
    """The type (and vendor) of the account a code names; `UnknownAccountCode` if it names none."""
    if not isinstance(code, str):
        raise UnknownAccountCode(f"account code must be a string, not {type(code).__name__}")
    if match := _VENDOR_PAYABLE.match(code):
        return AccountSpec(code=code, type="liability", vendor_id=int(match["vendor_id"]))
    if _ASSET.match(code):
        return AccountSpec(code=code, type="asset")
    if code == COMMISSION:
        return AccountSpec(code=code, type="income")
    raise UnknownAccountCode(f"unknown account code {code!r}")


def vendor_id_of(code: str) -> int | None:
    """The vendor whose payable account this code names, or None."""
    match = _VENDOR_PAYABLE.match(code) if isinstance(code, str) else None
    return int(match["vendor_id"]) if match else None
