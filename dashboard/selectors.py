"""Reads the dashboard needs that no other app's API offers: where the money of a vendor's orders went."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from django.db.models import Prefetch, Q
from django.utils import timezone

from accounts.models import User
from catalog.models import MenuItem, PrintService, Shop
from ordering.models import Order, Slot
from payments.models import Payment, Refund
from stationery.models import PrintJob


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


class ShopSetup(TypedDict):
    has_menu: bool
    has_slots: bool | None
    is_open: bool
    has_orders: bool


def shop_setup_for_vendor(*, vendor: User) -> ShopSetup:
    """How far the vendor's shop is from taking its first order: the dashboard's first-screen checklist.

    `has_menu`: a live menu item (food) or print service (stationery); `has_slots`: an upcoming,
    not deleted pickup slot (food only; None for a print shop, which has none); `is_open`: the
    shop takes orders; `has_orders`: it has taken one (a paid order, or any print job sent to it).
    """
    is_open = Shop.objects.filter(vendor_id=vendor.pk, is_open=True).exists()
    if vendor.is_food_vendor:
        return {
            "has_menu": MenuItem.objects.filter(vendor_id=vendor.pk, is_deleted=False).exists(),
            "has_slots": Slot.objects.filter(
                vendor_id=vendor.pk, is_deleted=False, ends_at__gt=timezone.now()
            ).exists(),
            "is_open": is_open,
            "has_orders": Order.objects.filter(vendor_id=vendor.pk, paid_at__isnull=False).exists(),
        }
    return {
        "has_menu": PrintService.objects.filter(vendor_id=vendor.pk, is_deleted=False).exists(),
        "has_slots": None,
        "is_open": is_open,
        "has_orders": PrintJob.objects.filter(vendor_id=vendor.pk).exists(),
    }
