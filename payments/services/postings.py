"""The ledger postings of payments: capture, refund and release, and which vendor account holds
a payment's money.

The vendor's share of a capture is credited to its `pending` account; completing the
order or print job posts a `release` moving what is left of it to the vendor's `payable`
account, the available money payouts take from. A refund comes out of whichever of the
two holds the payment's money then. Razorpay's fee (GST included) is booked to
`expense:gateway_fees`, so `gateway:razorpay` holds what Razorpay will settle.
"""

from __future__ import annotations

from core.money import pro_rata
from ledger import chart
from ledger.models import Entry, Transaction
from ledger.services import ledger_post

from ..models import Payment, Refund
from .core import _actor_or_none


def _ledger_capture(*, payment: Payment, vendor_id: int, actor=None) -> Transaction:
    """Gateway (less Razorpay's fee) and the fee expense on one side; the vendor's pending share
    and the commission on the other."""
    amount = payment.captured_paise
    fee = payment.platform_fee_paise
    gateway_fee = payment.gateway_fee_paise
    entries = [
        (chart.GATEWAY, amount - gateway_fee),
        (chart.GATEWAY_FEES, gateway_fee),
        (chart.vendor_pending(vendor_id), -(amount - fee)),
        (chart.COMMISSION, -fee),
    ]
    return ledger_post(
        kind=Transaction.Kind.CAPTURE,
        reference=payment.razorpay_payment_id,
        entries=[(code, value) for code, value in entries if value],
        memo=f"Payment #{payment.pk} captured ({payment.razorpay_order_id})",
        actor=_actor_or_none(actor),
    )


def _refund_reference(refund: Refund) -> str:
    return f"refund:{refund.pk}"


def _release_reference(payment: Payment) -> str:
    return f"payment:{payment.pk}"


def _captured_to_pending(*, payment: Payment, vendor_id: int) -> bool:
    """Did this payment's capture credit the vendor's pending account? (Captures booked before
    pending existed credited the payable account directly and have nothing to release.)"""
    return Entry.objects.filter(
        transaction__kind=Transaction.Kind.CAPTURE,
        transaction__reference=payment.razorpay_payment_id,
        account__code=chart.vendor_pending(vendor_id),
    ).exists()


def _vendor_account_now(*, payment: Payment, vendor_id: int) -> str:
    """The vendor account that holds this payment's money now: pending until it is released."""
    if payment.released_at is None and _captured_to_pending(payment=payment, vendor_id=vendor_id):
        return chart.vendor_pending(vendor_id)
    return chart.vendor_payable(vendor_id)


def _vendor_share_left(payment: Payment) -> int:
    """The vendor's share of this payment not refunded (or being refunded), by `_ledger_refund`'s own rounding."""
    captured = payment.captured_paise
    share = captured - payment.platform_fee_paise
    return share - pro_rata(share, part=payment.refunded_paise, whole=captured)


def _ledger_refund(*, payment: Payment, refund: Refund, refunded_before: int, vendor_id: int, actor=None) -> None:
    """Give back the vendor's share and the fee in proportion, so a full refund restores both exactly.

    The vendor's part comes out of its pending account while the order or job is not
    completed, out of its payable (available) account after."""
    captured = payment.captured_paise
    share = captured - payment.platform_fee_paise
    vendor_before = pro_rata(share, part=refunded_before, whole=captured)
    vendor_after = pro_rata(share, part=refunded_before + refund.amount_paise, whole=captured)
    vendor_part = vendor_after - vendor_before
    commission_part = refund.amount_paise - vendor_part
    entries = [
        (chart.GATEWAY, -refund.amount_paise),
        (_vendor_account_now(payment=payment, vendor_id=vendor_id), vendor_part),
        (chart.COMMISSION, commission_part),
    ]
    ledger_post(
        kind=Transaction.Kind.REFUND,
        reference=_refund_reference(refund),
        entries=[(code, value) for code, value in entries if value],
        memo=f"Refund #{refund.pk} of payment #{payment.pk}: {refund.reason}"[:300],
        actor=_actor_or_none(actor),
    )


def _ledger_release(*, reference: str, vendor_id: int, amount_paise: int, memo: str, actor=None) -> Transaction:
    return ledger_post(
        kind=Transaction.Kind.RELEASE,
        reference=reference,
        entries=[(chart.vendor_pending(vendor_id), amount_paise), (chart.vendor_payable(vendor_id), -amount_paise)],
        memo=memo[:300],
        actor=_actor_or_none(actor),
    )
