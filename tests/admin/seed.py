"""The office's seeded cases: one or more rows that each to-do must count, and neighbours it must not."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from accounts.tests.factories import FoodVendorFactory, StaffFactory, StationeryVendorFactory
from catalog.tests.factories import ShopFactory
from core.admin_display import campus_zone
from ledger.tests.factories import post_capture
from ordering.models import Order, Slot
from ordering.tests.factories import paid_order
from payments.models import Payment, Refund


@dataclass
class Seeded:
    expected: dict[str, int] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)


def _campus_midnight(now: dt.datetime) -> dt.datetime:
    local = now.astimezone(campus_zone())
    return dt.datetime.combine(local.date(), dt.time.min, tzinfo=campus_zone())


def seed_office() -> Seeded:
    now = timezone.now()
    root = StaffFactory(is_superuser=True)
    seeded = Seeded()

    # Vendors: two waiting; one rejected, one blocked and one approved do not wait.
    waiting = [ShopFactory(vendor=FoodVendorFactory(is_approved=False), name="Annapurna Canteen").vendor]
    waiting.append(ShopFactory(vendor=StationeryVendorFactory(is_approved=False), name="Copy Corner").vendor)
    rejected = ShopFactory(vendor=FoodVendorFactory(is_approved=False), name="Rejected Rolls").vendor
    account_services.vendor_reject(vendor=rejected, by=root, reason="No FSSAI licence")
    blocked = ShopFactory(vendor=FoodVendorFactory(is_approved=False), name="Blocked Bites").vendor
    account_services.user_block(user=blocked, by=root, reason="Fake documents")
    ShopFactory(vendor=FoodVendorFactory(), name="Approved Dosa")
    seeded.expected["approvals"] = 2
    seeded.objects["waiting"] = waiting

    # Orders: paid 20 min ago (waiting too long), paid 5 min ago (not yet), and one of today's slots that
    # ended with the order still ready (unclaimed), plus a completed one of the same kind (claimed).
    slow = paid_order()
    Order.objects.filter(pk=slow.pk).update(paid_at=now - dt.timedelta(minutes=20))
    recent = paid_order()
    Order.objects.filter(pk=recent.pk).update(paid_at=now - dt.timedelta(minutes=5))
    unclaimed = paid_order()
    midnight = _campus_midnight(now)
    elapsed = now - midnight
    Slot.objects.filter(pk=unclaimed.slot_id).update(
        starts_at=midnight + elapsed / 3, ends_at=midnight + elapsed * 2 / 3
    )
    Order.objects.filter(pk=unclaimed.pk).update(status=Order.Status.READY, paid_at=now - dt.timedelta(minutes=1))
    seeded.expected["orders_waiting"] = 1
    seeded.expected["orders_unclaimed"] = 1
    seeded.objects.update(slow=slow, recent=recent, unclaimed=unclaimed)

    # Payments: each flag kind once while money is held, and one wrong amount already refunded in full.
    flagged = {}
    for kind, reason in [
        ("wrong_amount", "Captured 9000 paise, but the payable now costs 8000."),
        ("late_capture", "Captured after the payable stopped being payable (expired, cancelled or already paid)."),
        ("duplicate_capture", "Second capture pay_DUP123 for an already captured payment: refund it from Razorpay."),
    ]:
        payment = Payment.objects.get(order=paid_order())
        Payment.objects.filter(pk=payment.pk).update(is_flagged=True, flag_reason=reason)
        flagged[kind] = payment
    done = Payment.objects.get(order=paid_order())
    Payment.objects.filter(pk=done.pk).update(
        is_flagged=True,
        flag_reason="Captured 100 paise, expected 9000.",
        refunded_paise=done.captured_paise,
        status=Payment.Status.REFUNDED,
    )
    for kind in flagged:
        seeded.expected[f"flagged_{kind}"] = 1
    seeded.objects["flagged"] = flagged

    # Refunds: failed and not retried, pending for two days (both delayed); pending an hour (not yet).
    base = flagged["wrong_amount"]
    failed = Refund.objects.create(
        payment=base, amount_paise=100, status=Refund.Status.FAILED, idempotency_key=f"office-failed-{base.pk}"
    )
    stuck = Refund.objects.create(payment=base, amount_paise=100, idempotency_key=f"office-stuck-{base.pk}")
    fresh = Refund.objects.create(payment=base, amount_paise=100, idempotency_key=f"office-fresh-{base.pk}")
    Refund.objects.filter(pk=stuck.pk).update(created_at=now - dt.timedelta(days=2))
    Refund.objects.filter(pk=fresh.pk).update(created_at=now - dt.timedelta(hours=1))
    seeded.expected["refunds_delayed"] = 2
    seeded.objects.update(failed=failed, stuck=stuck, fresh=fresh)

    # Payouts: one vendor with available money; every paid order above only has pending money.
    owed = ShopFactory(vendor=FoodVendorFactory(), name="Sri Sai Tiffins").vendor
    post_capture(owed, 20_000)
    seeded.expected["payouts_due"] = 1
    seeded.objects["owed"] = owed
    seeded.objects["root"] = User.objects.get(pk=root.pk)
    return seeded
