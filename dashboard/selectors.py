"""Reads the dashboard needs that no other app's API offers: where the money of a vendor's orders went."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from django.db.models import Prefetch, Q

from accounts.models import User
from payments.models import Payment, Refund


class PaymentState(TypedDict):
    order: int | None
    print_job: int | None
    payment: int
    status: str
    captured_paise: int
    refunded_paise: int
    refund_status: str | None


def payment_states_for_vendor(
    *, vendor: User, order_ids: Iterable[int] = (), print_job_ids: Iterable[int] = ()
) -> list[PaymentState]:
    """The captured payments of the vendor's own orders and print jobs among the ids asked for.

    Ids of anyone else's orders or jobs are simply not in the answer. `refund_status`
    is the state of the latest refund (`pending`, `processed`, `failed`), or None
    when nothing was refunded. Two queries whatever the number of ids. A vendor that
    is not (or no longer) approved, or is blocked, gets nothing.
    """
    order_ids, print_job_ids = list(order_ids), list(print_job_ids)
    if not (vendor.is_vendor and vendor.is_approved and vendor.is_active):
        return []
    if not (order_ids or print_job_ids):
        return []
    mine = Q(order__vendor_id=vendor.pk, order_id__in=order_ids) | Q(
        print_job__vendor_id=vendor.pk, print_job_id__in=print_job_ids
    )
    payments = (
        Payment.objects.filter(mine, captured_paise__gt=0)
        .prefetch_related(Prefetch("refunds", queryset=Refund.objects.order_by("-created_at", "-id")))
        .order_by("id")
    )
    states: list[PaymentState] = []
    for payment in payments:
        refunds = list(payment.refunds.all())
        states.append(
            {
                "order": payment.order_id,
                "print_job": payment.print_job_id,
                "payment": payment.pk,
                "status": payment.status,
                "captured_paise": payment.captured_paise,
                "refunded_paise": payment.refunded_paise,
                "refund_status": refunds[0].status if refunds else None,
            }
        )
    return states
