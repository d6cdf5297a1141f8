"""Property: any valid combination of options prices as base + deltas; any invalid one is
refused with nothing reserved (no order, no slot place, no stock)."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.tests.factories import StudentFactory
from catalog.models import MenuItem
from catalog.tests.factories import MenuItemFactory, OptionFactory, OptionGroupFactory
from core.errors import ApplicationError
from ordering import services
from ordering.models import Order, Slot

from .factories import SlotFactory

pytestmark = pytest.mark.django_db


class _Undo(Exception):
    """Raised to roll one example's order back, keeping the menu for the next."""


def _menu():
    slot = SlotFactory(capacity=1000)
    item = MenuItemFactory(vendor=slot.vendor, name="Thali", price_paise=9000, stock=50)
    size = OptionGroupFactory(menu_item=item, name="Size", min_choices=1, max_choices=1)
    extras = OptionGroupFactory(menu_item=item, name="Extras", min_choices=0, max_choices=2, sort_order=1)
    sides = OptionGroupFactory(menu_item=item, name="Sides", min_choices=1, max_choices=3, sort_order=2)
    groups = {
        size.pk: (1, 1, [OptionFactory(group=size, name=f"S{n}", price_delta_paise=n * 500) for n in range(3)]),
        extras.pk: (0, 2, [OptionFactory(group=extras, name=f"E{n}", price_delta_paise=n * 700) for n in range(4)]),
        sides.pk: (1, 3, [OptionFactory(group=sides, name=f"D{n}", price_delta_paise=n * 300) for n in range(4)]),
    }
    unavailable = groups[extras.pk][2][3]
    unavailable.is_available = False
    unavailable.save()
    other = MenuItemFactory(vendor=slot.vendor, name="Other")
    other_group = OptionGroupFactory(menu_item=other, name="X", max_choices=2)
    foreign = [OptionFactory(group=other_group, name=f"F{n}") for n in range(2)]
    return slot, item, groups, unavailable, foreign


def test_valid_options_price_as_base_plus_deltas_and_invalid_ones_reserve_nothing():
    slot, item, groups, unavailable, foreign = _menu()
    student = StudentFactory()
    seen = {True: 0, False: 0}

    def picks(options, least, most):
        return st.lists(st.sampled_from(options), min_size=least, max_size=most, unique_by=lambda o: o.pk)

    # Half the examples pick within every group's bounds from its available options and nothing
    # foreign (valid); the other half pick anything, too few or too many, sometimes a foreign one.
    valid_picks = st.tuples(
        *(picks([o for o in options if o != unavailable], low, high) for low, high, options in groups.values())
    )
    any_picks = st.tuples(*(picks(options, 0, high + 1) for _low, high, options in groups.values()))

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        per_group=st.one_of(valid_picks, any_picks),
        strays=st.one_of(st.just([]), picks(foreign, 0, 1)),
        quantity=st.integers(min_value=1, max_value=5),
    )
    def check(per_group, strays, quantity):
        chosen = [option for pick in per_group for option in pick] + strays
        ids = tuple(option.pk for option in chosen)
        counts = {pk: sum(1 for o in chosen if o.group_id == pk) for pk in groups}
        valid = (
            not any(o in foreign for o in chosen)
            and unavailable not in chosen
            and all(low <= counts[pk] <= high for pk, (low, high, _options) in groups.items())
        )
        seen[valid] += 1
        line = services.OrderLine(menu_item_id=item.pk, quantity=quantity, options=ids)
        try:
            with transaction.atomic():
                try:
                    order = services.order_place(
                        student=student, vendor_id=slot.vendor_id, slot_id=slot.pk, lines=[line]
                    )
                except ApplicationError as exc:
                    assert not valid, (ids, exc.code, exc.details)
                    assert exc.code in ("validation_error", "item_unavailable")
                    assert Slot.objects.get(pk=slot.pk).reserved == 0
                    assert MenuItem.objects.get(pk=item.pk).stock == 50
                    assert not Order.objects.exists()
                    return
                assert valid, ids
                unit = item.price_paise + sum(o.price_delta_paise for o in chosen)
                stored = order.items.get()
                assert (stored.unit_price_paise, stored.line_total_paise) == (unit, unit * quantity)
                assert order.total_paise == unit * quantity
                assert sorted(o["option"] for o in stored.options) == sorted(ids)
                assert MenuItem.objects.get(pk=item.pk).stock == 50 - quantity
                raise _Undo()
        except _Undo:
            pass

    check()
    assert seen[True] and seen[False], seen  # both kinds were tried
