"""Mutants: slot places: never oversold, never given back twice."""

from __future__ import annotations

SLOTS = "ordering/services/slots.py"
PLACING = "ordering/services/placing.py"
LOCKS = "ordering/locks.py"
LIFECYCLE = "ordering/services/lifecycle.py"
GENERATION = "ordering/services/generation.py"
KITCHEN_TESTS = "ordering/tests/test_kitchen_orders.py"
SCHEDULE_TESTS = "ordering/tests/test_schedules.py"

MUTANTS: list[dict] = [
    {
        "id": "cap-reserve-past-capacity",
        "file": SLOTS,
        "function": "_slot_reserve",
        "find": 'reserved__lt=F("capacity"),',
        "replace": 'reserved__lte=F("capacity"),',
        "tests": ["ordering/tests/test_services.py"],
        "k": "full_slot",
        "why": "a full slot takes one more order",
    },
    {
        "id": "cap-reserve-ignores-cutoff",
        "file": SLOTS,
        "function": "_slot_reserve",
        "find": "starts_at__gt=cutoff,\n        reserved__lt",
        "replace": "reserved__lt",
        "tests": ["ordering/tests/test_services.py"],
        "k": "closed_slots",
        "why": "a slot past the order cut-off still takes orders",
    },
    {
        "id": "cap-reserve-ignores-inactive",
        "file": SLOTS,
        "function": "_slot_reserve",
        "find": "        is_active=True,\n        is_deleted=False,\n        starts_at__gt=cutoff,",
        "replace": "        is_deleted=False,\n        starts_at__gt=cutoff,",
        "tests": ["ordering/tests/test_services.py"],
        "k": "closed_slots",
        "why": "an inactive slot still takes orders",
    },
    {
        "id": "cap-shrink-below-reserved",
        "file": SLOTS,
        "function": "slot_update",
        "find": 'if "capacity" in changed and after["capacity"] < locked.reserved:',
        "replace": 'if "capacity" in changed and after["capacity"] < locked.reserved - 1:',
        "tests": ["ordering/tests/test_services.py"],
        "k": "capacity_cannot_drop",
        "why": "capacity may drop one below the places already taken",
    },
    {
        "id": "cap-move-with-orders",
        "file": SLOTS,
        "function": "slot_update",
        "find": 'if {"starts_at", "ends_at"} & set(changed) and _slot_has_live_orders(locked):',
        "replace": 'if {"starts_at"} & set(changed) and _slot_has_live_orders(locked):',
        "tests": ["ordering/tests/test_services.py", "ordering/tests/test_api.py"],
        "k": "cannot_move",
        "why": "changing only the end of a slot with live orders is allowed",
    },
    {
        "id": "cap-update-unlocked",
        "file": LOCKS,
        "function": "slot_lock",
        "find": "locked = Slot.objects.select_for_update().filter(pk=slot_id, vendor_id=vendor_id, is_deleted=False)",
        "replace": "locked = Slot.objects.filter(pk=slot_id, vendor_id=vendor_id, is_deleted=False)",
        "tests": ["ordering/tests/test_concurrency.py"],
        "k": "being_placed",
        "why": "slot_update drops its row lock; a slot is moved while an order for it is placed",
    },
    {
        "id": "cap-order-total-ignores-quantity",
        "file": PLACING,
        "function": "order_place",
        "find": "total_paise=sum(item.line_total_paise for item in items),",
        "replace": "total_paise=sum(item.unit_price_paise for item in items),",
        "tests": ["ordering/tests/test_services.py"],
        "k": "prices_come_from_the_menu",
        "why": "the stored total ignores quantities",
    },
    {
        "id": "cap-release-negative",
        "file": SLOTS,
        "function": "_slot_release",
        "find": "released = Slot.objects.filter(pk=slot_id, reserved__gt=0).update(",
        "replace": "released = Slot.objects.filter(pk=slot_id).update(",
        "tests": ["ordering/tests/test_services.py"],
        "k": "below_zero",
        "why": "a place is given back when none is taken (reserved goes negative)",
    },
    # --- kitchen units and generated slots (issue 20) ---
    {
        "id": "cap-units-ignores-the-order",
        "file": SLOTS,
        "function": "_slot_reserve",
        "find": 'Q(reserved_units__lte=F("capacity_units") - Value(units))',
        "replace": 'Q(reserved_units__lte=F("capacity_units"))',
        "tests": [KITCHEN_TESTS],
        "k": "over_the_units or ten_units",
        "why": "an order is let in while the units left are fewer than it needs",
    },
    {
        "id": "cap-units-not-given-back",
        "file": LIFECYCLE,
        "function": "_order_transition",
        "find": "_slot_release(slot_id=order.slot_id, units=order.slot_units)",
        "replace": "_slot_release(slot_id=order.slot_id)",
        "tests": [KITCHEN_TESTS],
        "k": "give_the_units_back or gives_them_back",
        "why": "a cancelled, rejected or expired order keeps its kitchen units",
    },
    {
        "id": "gen-remakes-existing-slots",
        "file": GENERATION,
        "function": "slots_generate",
        "find": (
            "        if same is not None:\n"
            "            _follow_capacity(same, want.schedule)\n"
            "            continue\n"
            "        if want.starts_at in deleted_starts or any("
        ),
        "replace": "        if want.starts_at in deleted_starts or False and any(",
        "tests": [SCHEDULE_TESTS],
        "k": "again",
        "why": "generation does not look at the slots already there (not idempotent)",
    },
    {
        "id": "gen-unlocked",
        "file": GENERATION,
        "function": "slots_generate",
        "find": "    vendor_lock(vendor_id=vendor_id)\n    days = horizon_dates(now=now)",
        "replace": "    days = horizon_dates(now=now)",
        "tests": [KITCHEN_TESTS],
        "k": "concurrent_generation",
        "why": "two generations of one vendor at once do not take turns (the second hits the unique start)",
    },
    {
        "id": "gen-removes-slots-with-orders",
        "file": LOCKS,
        "function": "slots_lock_removable",
        "find": "is_deleted=False, reserved=0)\n        .filter(~has_orders)",
        "replace": "is_deleted=False)",
        "tests": [SCHEDULE_TESTS],
        "k": "with_orders",
        "why": "a generated slot that holds orders is removed when its schedule changes",
    },
    {
        "id": "gen-ignores-closures",
        "file": GENERATION,
        "function": "wanted_slots",
        "find": "        if day in closed:\n            continue\n",
        "replace": "",
        "tests": [SCHEDULE_TESTS],
        "k": "closure",
        "why": "slots are still made on a closed day",
    },
]
