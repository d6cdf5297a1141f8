"""Opening a payment (pay): reserve → call Razorpay → finalize.

Opening a payment reserves a `Payment` row (a partial unique index allows one open
payment per payable), commits, calls Razorpay with no lock held, then finalizes the
row with the Razorpay order id.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.money import is_paise

from .. import gateway, payables
from ..conf import razorpay_config
from ..errors import AlreadyPaid, NotPayable, PaymentInProgress
from ..locks import open_payment_lock_find, payable_lock_for_payer, payment_lock_find
from ..models import Payment
from .core import CURRENCY, RESERVATION_GRACE_SECONDS, Source, Status, _payable_type, _payment_transition


@dataclass
class _Reservation:
    payment: Payment
    ready: bool  # True: it has its Razorpay order, hand it back; False: we reserved it and create the order


def _payment_reserve(*, payable_type: payables.PayableType, object_id: int, user: User) -> _Reservation | None:
    """Under the payable's lock: the open payment, or a fresh reservation, or None while another is in flight."""
    with transaction.atomic():
        obj = payable_lock_for_payer(payable_type=payable_type, user=user, object_id=object_id)
        if not payable_type.is_payable(obj):
            accepted = (
                Payment.objects.filter(**{payable_type.name: obj}, status__in=Payment.CAPTURED_STATUSES)
                .filter(is_flagged=False)
                .exists()
            )
            raise AlreadyPaid() if accepted else NotPayable()
        amount = payable_type.amount_paise(obj)
        if not is_paise(amount):
            raise NotPayable(_("This has no amount to pay yet."))

        open_payment = open_payment_lock_find(payable_type=payable_type, obj=obj)
        if open_payment is not None:
            if open_payment.razorpay_order_id is None:
                stale_before = timezone.now() - timedelta(seconds=razorpay_config().timeout + RESERVATION_GRACE_SECONDS)
                if open_payment.created_at > stale_before:
                    return None  # another request is creating the Razorpay order right now
                open_payment.delete()
            elif open_payment.amount_paise != amount or open_payment.payer_id != user.pk:
                # The amount to pay changed since (or someone else opened it): close the old one.
                open_payment.failure_reason = "Superseded: the amount to pay changed."
                _payment_transition(
                    payment=open_payment,
                    to_status=Status.FAILED,
                    source=Source.PAY,
                    note="superseded",
                    actor=user,
                    fields=("failure_reason",),
                )
            else:
                return _Reservation(payment=open_payment, ready=True)

        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    payer_id=payable_type.payer_id(obj),
                    amount_paise=amount,
                    currency=CURRENCY,
                    status=Status.CREATED,
                    **{payable_type.name: obj},
                )
        except IntegrityError:
            return None  # a concurrent request reserved first (databases without row locks)
        return _Reservation(payment=payment, ready=False)


def _payment_reservation_drop(*, payment_id: int) -> None:
    Payment.objects.filter(pk=payment_id, razorpay_order_id__isnull=True, status=Status.CREATED).delete()


@transaction.atomic
def _payment_reservation_finalize(*, payment_id: int, razorpay_order: dict, user: User) -> Payment:
    """Our reservation, locked, with its Razorpay order id; returns the row it locked."""
    locked = payment_lock_find(payment_id)
    if locked is None or locked.razorpay_order_id is not None or locked.status != Status.CREATED:
        # Our reservation was dropped as stale meanwhile; the Razorpay order is orphaned and
        # harmless (nobody can pay it without its id).
        raise PaymentInProgress()
    locked.razorpay_order_id = razorpay_order["id"]
    _payment_transition(
        payment=locked,
        to_status=Status.CREATED,
        source=Source.PAY,
        note=f"Razorpay order {razorpay_order['id']} created",
        actor=user,
        fields=("razorpay_order_id",),
    )
    return locked


def payment_open(*, payable: str, object_id: int, user: User) -> Payment:
    """The open payment for this payable, creating its Razorpay order if there is none.

    The payable is looked up through `queryset_for_payer(user)` (someone else's is
    NotFound). AlreadyPaid / NotPayable (409) when it cannot be paid now. Concurrent
    callers get the same payment and Razorpay order. No row lock is held while
    Razorpay is called; GatewayError (502) leaves nothing behind.
    """
    payable_type = _payable_type(payable)
    config = razorpay_config()
    deadline = time.monotonic() + config.timeout + 2
    while True:
        reservation = _payment_reserve(payable_type=payable_type, object_id=object_id, user=user)
        if reservation is not None:
            break
        if time.monotonic() > deadline:
            raise PaymentInProgress()
        time.sleep(0.1)
    if reservation.ready:
        return reservation.payment

    payment = reservation.payment
    notes = {"tnt_payment_id": str(payment.pk), f"tnt_{payable_type.name}_id": str(object_id)}
    try:
        razorpay_order = gateway.order_create(
            amount_paise=payment.amount_paise,
            currency=payment.currency,
            receipt=f"tnt-payment-{payment.pk}",
            notes=notes,
        )
    except BaseException:
        _payment_reservation_drop(payment_id=payment.pk)
        raise
    return _payment_reservation_finalize(payment_id=payment.pk, razorpay_order=razorpay_order, user=user)
