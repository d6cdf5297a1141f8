"""Completing an order or print job makes its vendor's money available (pending → payable)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ledger.models import Transaction

from ..locks import payment_lock as _payment_lock
from ..models import Payment, Refund
from .core import Source, _payable_type, _payment_note
from .postings import _captured_to_pending, _ledger_release, _refund_reference, _release_reference, _vendor_share_left


def payment_release_payable(*, payable: str, obj: Any, actor: User | None) -> list[Payment]:
    """The order or print job `obj` is completed: its vendor money becomes available.

    For each captured payment of it, marks it released and posts a ledger `release`
    (unique by the payment) moving the vendor's share not refunded from `pending`
    to `payable`. Call it inside the payable's completion transaction with its row
    locked; a second call changes nothing. Returns the payments released now.
    """
    payable_type = _payable_type(payable)
    vendor_id = payable_type.vendor_id(obj)
    released: list[Payment] = []
    with transaction.atomic():
        payment_ids = list(
            Payment.objects.filter(
                **{payable_type.name: obj}, status__in=Payment.CAPTURED_STATUSES, released_at__isnull=True
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for payment_id in payment_ids:
            payment = _payment_lock(payment_id)
            if payment.released_at is not None:
                continue
            amount = _vendor_share_left(payment)
            if amount > 0 and _captured_to_pending(payment=payment, vendor_id=vendor_id):
                _ledger_release(
                    reference=_release_reference(payment),
                    vendor_id=vendor_id,
                    amount_paise=amount,
                    memo=f"Payment #{payment.pk}: {payable_type.name} #{obj.pk} completed",
                    actor=actor,
                )
            payment.released_at = timezone.now()
            payment.save(update_fields=["released_at", "updated_at"])
            _payment_note(
                payment=payment,
                source=Source.SYSTEM,
                note=f"{payable_type.name} #{obj.pk} completed: {amount} paise available to the vendor",
                actor=actor,
            )
            released.append(payment)
    return released


def _release_after_failed_refund(*, payment: Payment, refund: Refund, posted: Transaction) -> None:
    """A refund taken from pending failed after the order or job was completed: its reversal put the
    vendor's part back into pending, so release it to available like the rest of the payment."""
    if payment.released_at is None:
        return
    pending = posted.entries.filter(account__code__endswith=":pending", amount_paise__gt=0).select_related("account")
    for entry in pending:
        _ledger_release(
            reference=f"{_refund_reference(refund)}:failed",
            vendor_id=entry.account.vendor_id,
            amount_paise=entry.amount_paise,
            memo=f"Refund #{refund.pk} failed after payment #{payment.pk} was released",
        )
