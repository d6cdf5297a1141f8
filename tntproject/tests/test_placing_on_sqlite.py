"""Placing an order on SQLite, `make run`'s database: the statements placing writes out by hand
(ordering/services/placing.py, ordering/pricing.py, ordering/stock.py, core/sql.py) run there too.

The suite runs on PostgreSQL, so this runs a Django process of its own on a fresh SQLite file:
an order with an option and a stocked dish is placed, read back through the ORM, refused once
the stock is short, and cancelled (its place and stock come back).
"""

import json
import subprocess
import sys
from pathlib import Path

from tntproject.tests.embedded import embedded_env

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json
from ordering import services
from ordering.models import Order, Slot
from catalog.models import MenuItem
from catalog.errors import ItemSoldOut
from accounts.tests.factories import StudentFactory
from catalog.tests.factories import OptionFactory, OptionGroupFactory
from ordering.tests.factories import MenuItemFactory, SlotFactory

slot = SlotFactory(capacity=5, capacity_units=20)
dish = MenuItemFactory(vendor=slot.vendor, name="Thali", price_paise=5000, stock=3, prep_units=2)
size = OptionGroupFactory(menu_item=dish, name="Size", min_choices=1, max_choices=1)
OptionFactory(group=size, name="Small", sort_order=0)
large = OptionFactory(group=size, name="Large", price_delta_paise=1500, sort_order=1)
tea = MenuItemFactory(vendor=slot.vendor, name="Tea", price_paise=1000)
student = StudentFactory()
lines = [
    services.OrderLine(menu_item_id=dish.pk, quantity=2, options=(large.pk,)),
    services.OrderLine(menu_item_id=tea.pk, quantity=1),
]
placed = services.order_place(student=student, vendor_id=slot.vendor_id, slot_id=slot.pk, lines=lines, note="Hot")
stored = Order.objects.get(pk=placed.pk)
answer = {
    "same_id": stored.pk == placed.pk,
    "same_created_at": stored.created_at == placed.created_at,
    "status": stored.status,
    "total_paise": stored.total_paise,
    "note": stored.note,
    "slot_units": stored.slot_units,
    "lines": [
        [line.pk == written.pk, line.name, line.quantity, line.unit_price_paise, line.options, line.stock_taken]
        for line, written in zip(stored.items.order_by("id"), placed.items.all(), strict=True)
    ],
    "events": list(stored.events.values_list("from_status", "to_status", "actor_id")) == [("", "pending_payment", student.pk)],
    "stock_after": MenuItem.objects.get(pk=dish.pk).stock,
    "slot_after": list(Slot.objects.filter(pk=slot.pk).values_list("reserved", "reserved_units").get()),
}
try:
    services.order_place(student=student, vendor_id=slot.vendor_id, slot_id=slot.pk, lines=lines[:1])
except ItemSoldOut as exc:
    answer["refused"] = [exc.code, exc.details]
answer["slot_after_refusal"] = list(Slot.objects.filter(pk=slot.pk).values_list("reserved", "reserved_units").get())
services.order_cancel(order_id=placed.pk, student=student)
answer["stock_after_cancel"] = MenuItem.objects.get(pk=dish.pk).stock
answer["slot_after_cancel"] = list(Slot.objects.filter(pk=slot.pk).values_list("reserved", "reserved_units").get())
print("RESULT " + json.dumps(answer))
"""


def test_an_order_is_placed_refused_and_cancelled_on_sqlite(tmp_path):
    env = embedded_env(tmp_path, "placing.sqlite3")
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 180}
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], **run)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", SCRIPT], **run)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))[7:])

    large = {"group": "Size", "name": "Large", "price_delta_paise": 1500}
    assert result["same_id"] and result["same_created_at"] and result["events"]
    assert (result["status"], result["total_paise"], result["note"], result["slot_units"]) == (
        "pending_payment",
        2 * 6500 + 1000,
        "Hot",
        2 * 2 + 1,
    )
    lines = [[same, name, quantity, price, [{k: o[k] for k in large} for o in options], taken]
             for same, name, quantity, price, options, taken in result["lines"]]
    assert lines == [[True, "Thali", 2, 6500, [large], 2], [True, "Tea", 1, 1000, [], 0]]
    assert result["stock_after"] == 1
    assert result["slot_after"] == [1, 5]
    assert result["refused"][0] == "item_sold_out"
    assert result["refused"][1]["remaining"] == 1
    assert result["slot_after_refusal"] == [1, 5]  # the refusal rolled its place back
    assert result["stock_after_cancel"] == 3
    assert result["slot_after_cancel"] == [0, 0]
