"""Seeds the benchmark campus with bulk inserts and writes the request files the load scripts replay.

    python -m bench.seed OUT_DIR WEBHOOK_SECRET      (DATABASE_URL etc. in the environment)

Makes 20 approved food vendors × 60 menu items (issue 19's menus: every item with a diet mark,
most with allergens or tags and a photo's names, half with a pick-exactly-1 "Size" group and a
third with an up-to-3 "Extras" group; orders choose a size where one is required and sometimes
an extra), 40 slots per vendor (capacity 1000), one hot slot with one stocked dish that every
hot order takes a portion of, 2,000 students with API tokens
(and 2,000 more who hold the seeded orders), 200 live orders at the first vendor (its queue),
and 4,000 open payments waiting for their capture webhook. Writes one `<scenario>.req` file per
scenario: one request per line, `METHOD<TAB>PATH<TAB>HEADERS<TAB>BODY`, headers as
`Name: value` joined by `|`. Prints a JSON summary on the last line of stdout.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import django

VENDORS = 20
ITEMS_PER_VENDOR = 60
SLOTS_PER_VENDOR = 40
SLOT_CAPACITY = 1000
STUDENTS = 2000
QUEUE_ORDERS = 200
WEBHOOK_PAYMENTS = 4000
DUPLICATE_SHARE = 0.30
REQUESTS_PER_FILE = 20000


def _line(method: str, path: str, headers: dict[str, str] | None = None, body: str = "") -> str:
    joined = "|".join(f"{name}: {value}" for name, value in (headers or {}).items())
    assert "\t" not in body and "\n" not in body
    return f"{method}\t{path}\t{joined}\t{body}"


def _photo_names(vendor_n: int, item_n: int) -> dict:
    stem = f"bench/{vendor_n:02d}-{item_n:02d}"
    return {
        "image": f"{stem}.webp",
        "image_width": 640,
        "image_height": 480,
        "thumbnail": f"{stem}-160.webp",
        "thumbnail_width": 160,
        "thumbnail_height": 120,
    }


def seed(out: Path, webhook_secret: str) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from catalog.models import ALLERGENS, DIETS, MAX_STOCK, TAGS, MenuItem, Option, OptionGroup, Shop
    from ordering.models import Order, OrderEvent, OrderItem, Slot
    from payments.models import Payment

    rng = random.Random(20240601)
    now = timezone.now()
    unusable = make_password(None)
    with transaction.atomic():
        vendors = User.objects.bulk_create(
            User(
                phone=f"+9197{n:08d}",
                name=f"Canteen {n}",
                role="vendor",
                vendor_type="food",
                is_approved=True,
                password=unusable,
            )
            for n in range(VENDORS)
        )
        Shop.objects.bulk_create(
            Shop(vendor=v, name=f"Canteen {n}", vendor_type="food", description="Hot food all day", is_open=True)
            for n, v in enumerate(vendors)
        )
        categories = ["breakfast", "mains", "snacks", "drinks", "desserts"]
        MenuItem.objects.bulk_create(
            MenuItem(
                vendor=v,
                name=f"Dish {i} of canteen {n}",
                description="Freshly made; contains the usual suspects.",
                price_paise=rng.randint(20, 250) * 100,
                category=categories[i % len(categories)],
                sort_order=i,
                diet=DIETS[i % len(DIETS)],
                allergens=list(ALLERGENS[i % 4 : i % 4 + 2]) if i % 3 else [],
                tags=[TAGS[i % len(TAGS)]] if i % 2 else [],
                # Names as catalog/images.py stores them (the files need not exist for the menu's JSON).
                **(_photo_names(n, i) if i % 3 != 2 else {}),
            )
            for n, v in enumerate(vendors)
            for i in range(ITEMS_PER_VENDOR)
        )
        # Options: a "Size" (exactly 1 of 2) on every other item, "Extras" (up to 3 of 4) on every third.
        menu = list(MenuItem.objects.order_by("pk").values_list("pk", flat=True))
        groups = OptionGroup.objects.bulk_create(
            [OptionGroup(menu_item_id=pk, name="Size", min_choices=1, max_choices=1) for pk in menu[::2]]
            + [
                OptionGroup(menu_item_id=pk, name="Extras", min_choices=0, max_choices=3, sort_order=1)
                for pk in menu[::3]
            ]
        )
        Option.objects.bulk_create(
            Option(group=g, name=name, price_delta_paise=delta, sort_order=k)
            for g in groups
            for k, (name, delta) in enumerate(
                [("Regular", 0), ("Large", 3000)]
                if g.name == "Size"
                else [("Extra cheese", 2000), ("Extra paneer", 3000), ("Ghee", 1000), ("Onions", 0)]
            )
        )
        required: dict[int, list[int]] = {}  # item -> its size options (one must be chosen)
        extras: dict[int, list[int]] = {}
        for option_id, item_id, group_name in Option.objects.values_list("pk", "group__menu_item_id", "group__name"):
            (required if group_name == "Size" else extras).setdefault(item_id, []).append(option_id)
        starts = now + timedelta(hours=2)
        Slot.objects.bulk_create(
            Slot(
                vendor=v,
                starts_at=starts + timedelta(minutes=15 * s),
                ends_at=starts + timedelta(minutes=15 * s + 15),
                capacity=SLOT_CAPACITY,
            )
            for v in vendors
            for s in range(SLOTS_PER_VENDOR)
        )
        hot_vendor = vendors[-1]
        # Before the vendor's other slots: a vendor's slots may not overlap (slot_no_overlap_per_vendor).
        hot_slot = Slot.objects.create(
            vendor=hot_vendor,
            starts_at=starts - timedelta(minutes=15),
            ends_at=starts - timedelta(minutes=5),
            capacity=SLOT_CAPACITY,
        )
        students = User.objects.bulk_create(
            User(phone=f"+9196{n:08d}", name=f"Student {n}", role="student", is_approved=True, password=unusable)
            for n in range(STUDENTS)
        )
        tokens = Token.objects.bulk_create(Token(key=secrets.token_hex(20), user=s) for s in students)
        # The seeded unpaid orders belong to other students: with two each, the students who place
        # orders would soon meet MAX_UNPAID_ORDERS (409 too_many_unpaid_orders) instead of the slot.
        payers = User.objects.bulk_create(
            User(phone=f"+9195{n:08d}", name=f"Payer {n}", role="student", is_approved=True, password=unusable)
            for n in range(STUDENTS)
        )
        vendor_token = Token.objects.create(key=secrets.token_hex(20), user=vendors[0])

        # The hot vendor's first dish is stocked: every hot order takes a portion of it in the same
        # statement as the slot's place (the path a biryani that sells out runs), enough for the run.
        hot_dish = MenuItem.objects.filter(vendor=hot_vendor).order_by("pk").first()
        MenuItem.objects.filter(pk=hot_dish.pk).update(stock=MAX_STOCK, daily_stock=MAX_STOCK)
        items = {v.pk: [] for v in vendors}
        for item_id, vendor_id, price in MenuItem.objects.values_list("pk", "vendor_id", "price_paise"):
            items[vendor_id].append((item_id, price))
        slots = {v.pk: [] for v in vendors}
        for slot_id, vendor_id in Slot.objects.exclude(pk=hot_slot.pk).values_list("pk", "vendor_id"):
            slots[vendor_id].append(slot_id)

        def bulk_orders(count: int, vendor, note: str) -> list[Order]:
            orders, lines, per_slot = [], [], {}
            for n in range(count):
                slot_id = slots[vendor.pk][n % SLOTS_PER_VENDOR]
                per_slot[slot_id] = per_slot.get(slot_id, 0) + 1
                picked = rng.sample(items[vendor.pk], 2)
                orders.append(
                    Order(
                        student=payers[n % STUDENTS],
                        vendor=vendor,
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
                Slot.objects.filter(pk=slot_id).update(reserved=taken)
            return orders

        bulk_orders(QUEUE_ORDERS, vendors[0], "queue")
        to_pay = bulk_orders(WEBHOOK_PAYMENTS, vendors[1], "webhook")
        payments = Payment.objects.bulk_create(
            Payment(
                payer_id=o.student_id,
                order=o,
                amount_paise=o.total_paise,
                currency="INR",
                razorpay_order_id=f"order_BENCH{n:09d}",
            )
            for n, o in enumerate(to_pay)
        )

    # --- request files -------------------------------------------------------------------------
    out.mkdir(parents=True, exist_ok=True)
    json_headers = {"Content-Type": "application/json"}
    food = vendors[2:-1]  # the queue, webhook and hot vendors stay out of "many slots"

    def write(name: str, lines: list[str]) -> None:
        (out / f"{name}.req").write_text("\n".join(lines) + "\n")

    write("live", [_line("GET", "/health/live")])
    write("menu", [_line("GET", f"/api/v1/vendors/{rng.choice(vendors).pk}/menu") for _ in range(1000)])
    write("orders_vendor", [_line("GET", "/api/v1/orders", {"Authorization": f"Token {vendor_token.key}"})])

    def choose(item_id: int) -> list[int]:
        chosen = [rng.choice(required[item_id])] if item_id in required else []
        if item_id in extras and rng.random() < 0.5:
            chosen.append(rng.choice(extras[item_id]))
        return chosen

    def order_line(vendor, slot_id: int, *, with_item: int | None = None) -> str:
        picked = rng.sample(items[vendor.pk], rng.randint(1, 3))
        if with_item is not None:
            picked = [(with_item, None), *(p for p in picked if p[0] != with_item)][:3]
        body = {
            "vendor": vendor.pk,
            "slot": slot_id,
            "items": [{"menu_item": i, "quantity": rng.randint(1, 3), "options": choose(i)} for i, _ in picked],
        }
        headers = {**json_headers, "Authorization": f"Token {rng.choice(tokens).key}"}
        return _line("POST", "/api/v1/orders", headers, json.dumps(body, separators=(",", ":")))

    many = []
    for _ in range(REQUESTS_PER_FILE):
        vendor = rng.choice(food)
        many.append(order_line(vendor, rng.choice(slots[vendor.pk])))
    write("orders_post", many)
    write("orders_hot", [order_line(hot_vendor, hot_slot.pk, with_item=hot_dish.pk) for _ in range(REQUESTS_PER_FILE)])

    def delivery(event: str, event_id: str, payment: Payment, n: int) -> str:
        entity = {
            "id": f"pay_BENCH{n:09d}",
            "entity": "payment",
            "amount": payment.amount_paise,
            "currency": "INR",
            "status": "captured",
            "order_id": payment.razorpay_order_id,
            "method": "upi",
            "captured": True,
        }
        body = json.dumps(
            {
                "entity": "event",
                "account_id": "acc_BENCH",
                "event": event,
                "contains": ["payment"],
                "payload": {"payment": {"entity": entity}},
                "created_at": int(now.timestamp()),
            },
            separators=(",", ":"),
        )
        signature = hmac.new(webhook_secret.encode(), body.encode(), hashlib.sha256).hexdigest()
        headers = {**json_headers, "X-Razorpay-Signature": signature, "X-Razorpay-Event-Id": event_id}
        return _line("POST", "/api/v1/payments/webhooks/razorpay", headers, body)

    # One duplicate after a delivery with probability d / (1 - d): duplicates are then d of all deliveries.
    # Half resend the same event (same id); half are the order.paid event Razorpay also sends for the
    # same capture (a new id), which must not post the capture a second time.
    deliveries: list[str] = []
    for n, payment in enumerate(payments):
        deliveries.append(delivery("payment.captured", f"evt_BENCH{n:09d}", payment, n))
        if rng.random() < DUPLICATE_SHARE / (1 - DUPLICATE_SHARE):
            earlier = rng.randrange(max(0, n - 50), n + 1)
            if rng.random() < 0.5:
                deliveries.append(delivery("payment.captured", f"evt_BENCH{earlier:09d}", payments[earlier], earlier))
            else:
                deliveries.append(delivery("order.paid", f"evt_BENCHPAID{earlier:09d}", payments[earlier], earlier))
    write("webhooks", deliveries)

    return {
        "vendors": VENDORS,
        "menu_items": VENDORS * ITEMS_PER_VENDOR,
        "option_groups": len(groups),
        "slots": VENDORS * SLOTS_PER_VENDOR + 1,
        "students": STUDENTS,
        "queue_orders": QUEUE_ORDERS,
        "open_payments": len(payments),
        "webhook_deliveries": len(deliveries),
        "hot_slot": hot_slot.pk,
        "hot_dish": hot_dish.pk,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tntproject.settings")
    django.setup()
    print(json.dumps(seed(Path(sys.argv[1]), sys.argv[2])))
