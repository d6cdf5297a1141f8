"""What can be paid for, without `payments` importing the apps that own it.

`ordering` and `stationery` each register a `PayableType` in their AppConfig
`ready()`. `Payment` has one foreign key per payable type, named like the type
(`order`, `print_job`), and a database constraint that exactly one is set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class PayableType:
    name: str  # "order" or "print_job": also the name of the Payment foreign key
    model: type[models.Model]
    # The payables this user may pay for (scoping: anyone else's is simply not found).
    queryset_for_payer: Callable[[Any], models.QuerySet]
    amount_paise: Callable[[Any], int]  # what must be captured, from our own database
    vendor_id: Callable[[Any], int]  # whose ledger payable is credited
    payer_id: Callable[[Any], int]  # the only user who may pay and verify
    is_payable: Callable[[Any], bool]  # may a payment be opened / a capture be accepted now?
    # Called inside the capture transaction with the payable row locked (select_for_update).
    mark_paid: Callable[..., None]  # mark_paid(obj=..., payment=...)
    describe: Callable[[Any], str] = str
    # A staff refund brought the payment's refunded amount up to its capture: end the handover.
    # cancel_refunded(obj=..., actor=...) -> bool (True when it cancelled). Called inside the
    # refund's transaction with `obj` locked (select_for_update), before the payment's row lock.
    # Cancels only a live payable (paid and not yet handed over); changes nothing otherwise.
    cancel_refunded: Callable[..., bool] | None = None


_registry: dict[str, PayableType] = {}


def register(payable_type: PayableType) -> None:
    _registry[payable_type.name] = payable_type


def get(name: str) -> PayableType:
    return _registry[name]


def all_types() -> list[PayableType]:
    return list(_registry.values())


def of_payment(payment) -> tuple[PayableType, Any]:
    """The payable type and object a payment is for."""
    for payable_type in _registry.values():
        object_id = getattr(payment, f"{payable_type.name}_id")
        if object_id is not None:
            return payable_type, getattr(payment, payable_type.name)
    raise LookupError(f"payment {payment.pk} has no registered payable")
