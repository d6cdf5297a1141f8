"""What the two-node and lunch-rush scenarios add to the seeded campus, run inside their Django
`prepare` step (bench/twonode.py, bench/rush.py): students of their own with API tokens, open
payments waiting for their capture webhook, and the request lines (bench/seed.py's format).

Each scenario makes its own students, so the orders that earlier scenarios placed (each student
may hold MAX_UNPAID_ORDERS unpaid ones) do not turn its orders into 409s, and its own open
payments, so the captures earlier scenarios used up do not make its webhooks duplicates.
Phones: bench/seed.py uses +9195…–+9197…; `prefix` here is two other digits.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import secrets
import time
from datetime import timedelta


def line(method: str, path: str, headers: dict[str, str] | None = None, body: str = "") -> str:
    """One request as bench/load.lua (and bench/rush.py) read it: METHOD, PATH, HEADERS, BODY by tabs."""
    joined = "|".join(f"{name}: {value}" for name, value in (headers or {}).items())
    assert "\t" not in body and "\n" not in body
    return f"{method}\t{path}\t{joined}\t{body}"


def students_with_tokens(count: int, *, prefix: str, name: str) -> list[tuple[int, str]]:
    """`count` new approved students, each with an API token: [(user id, token key)]."""
    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(phone=f"+91{prefix}{n:08d}", name=f"{name} {n}", role="student", is_approved=True, password=unusable)
        for n in range(count)
    )
    tokens = Token.objects.bulk_create(Token(key=secrets.token_hex(20), user=u) for u in users)
    return [(t.user_id, t.key) for t in tokens]


def vendor_tokens(vendor_ids: list[int]) -> dict[int, str]:
    """An API token for each vendor (its existing one if it has one)."""
    from rest_framework.authtoken.models import Token

    have = set(Token.objects.filter(user_id__in=vendor_ids).values_list("user_id", flat=True))
    Token.objects.bulk_create(Token(key=secrets.token_hex(20), user_id=v) for v in vendor_ids if v not in have)
    return dict(Token.objects.filter(user_id__in=vendor_ids).values_list("user_id", "key"))


def open_payments(*, vendor_id: int, payer_ids: list[int], count: int, note: str, rng: random.Random) -> list:
    """`count` unpaid orders at `vendor_id` (spread over its slots, their places taken) by the
    payers in turn, each with an open Payment waiting for its capture: the Payments, in order."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from catalog.models import MenuItem
    from ordering.models import Order, OrderEvent, OrderItem, Slot
    from payments.models import Payment

    now = timezone.now()
    slots = list(
        Slot.objects.filter(vendor_id=vendor_id, starts_at__gt=now + timedelta(hours=1)).values_list("pk", flat=True)
    )
    menu = list(MenuItem.objects.filter(vendor_id=vendor_id).values_list("pk", "price_paise"))
    with transaction.atomic():
        orders, lines, per_slot = [], [], {}
        for n in range(count):
            slot_id = slots[n % len(slots)]
            per_slot[slot_id] = per_slot.get(slot_id, 0) + 1
            picked = rng.sample(menu, 2)
            orders.append(
                Order(
                    student_id=payer_ids[n % len(payer_ids)],
                    vendor_id=vendor_id,
                    slot_id=slot_id,
                    total_paise=sum(price for _, price in picked),
                    note=note,
                    payment_due_by=now + timedelta(hours=1),
                )
            )
            lines.append(picked)
        orders = Order.objects.bulk_create(orders)
        OrderItem.objects.bulk_create(
            OrderItem(order=o, menu_item_id=i, name=f"item {i}", unit_price_paise=p, quantity=1, line_total_paise=p)
            for o, picked in zip(orders, lines, strict=True)
            for i, p in picked
        )
        OrderEvent.objects.bulk_create(OrderEvent(order=o, to_status=o.status) for o in orders)
        for slot_id, taken in per_slot.items():
            Slot.objects.filter(pk=slot_id).update(reserved=F("reserved") + taken)
        return Payment.objects.bulk_create(
            Payment(
                payer_id=o.student_id,
                order=o,
                amount_paise=o.total_paise,
                currency="INR",
                razorpay_order_id=f"order_{note.upper()}{n:09d}",
            )
            for n, o in enumerate(orders)
        )


def capture_delivery(secret: str, payment, *, payment_id: str, event_id: str, event: str = "payment.captured") -> str:
    """The request line of one signed Razorpay webhook saying `payment` was captured in full."""
    entity = {
        "id": payment_id, "entity": "payment", "amount": payment.amount_paise, "currency": "INR",
        "status": "captured", "order_id": payment.razorpay_order_id, "method": "upi", "captured": True,
    }  # fmt: skip
    body = json.dumps(
        {"entity": "event", "account_id": "acc_BENCH", "event": event, "contains": ["payment"],
         "payload": {"payment": {"entity": entity}}, "created_at": int(time.time())},
        separators=(",", ":"),
    )  # fmt: skip
    signature = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-Razorpay-Signature": signature, "X-Razorpay-Event-Id": event_id}
    return line("POST", "/api/v1/payments/webhooks/razorpay", headers, body)


def menu_choices(vendor_id: int) -> tuple[list[tuple[int, int]], dict[int, list[int]], dict[int, list[int]]]:
    """A vendor's items [(id, price)] and, per item, its required ("Size") and optional options."""
    from catalog.models import MenuItem, Option

    items = list(MenuItem.objects.filter(vendor_id=vendor_id, stock__isnull=True).values_list("pk", "price_paise"))
    required: dict[int, list[int]] = {}
    extras: dict[int, list[int]] = {}
    for option_id, item_id, min_choices in Option.objects.filter(group__menu_item__vendor_id=vendor_id).values_list(
        "pk", "group__menu_item_id", "group__min_choices"
    ):
        (required if min_choices else extras).setdefault(item_id, []).append(option_id)
    return items, required, extras


def order_body(
    vendor_id: int, slot_id: int, lines: list[tuple[int, int]], required: dict, extras: dict, rng: random.Random
) -> str:
    """POST /orders's body for (item, quantity) lines, each with its required option and sometimes an extra."""
    items = []
    for item_id, quantity in lines:
        options = [rng.choice(required[item_id])] if item_id in required else []
        if item_id in extras and rng.random() < 0.5:
            options.append(rng.choice(extras[item_id]))
        items.append({"menu_item": item_id, "quantity": quantity, "options": options})
    return json.dumps({"vendor": vendor_id, "slot": slot_id, "items": items}, separators=(",", ":"))
