"""Orders with options and stock (issue 19): pricing from the database, the snapshot, the
rules of option groups, stock taken with the slot place and given back with it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from catalog.models import MenuItem
from catalog.stock import stock_reset_daily
from catalog.tests.factories import MenuItemFactory, OptionFactory, OptionGroupFactory
from ordering import services
from ordering.models import Order, OrderItem, Slot
from payments.tests.factories import capture, open_payment

from .factories import SlotFactory, paid_order, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def dosa():
    """Dosa ₹50: Size (exactly 1: plain +0, masala +₹15) and Extras (up to 2: cheese +₹20, butter +₹10)."""
    slot = SlotFactory(capacity=50)
    item = MenuItemFactory(vendor=slot.vendor, name="Dosa", price_paise=5000)
    size = OptionGroupFactory(menu_item=item, name="Size", min_choices=1, max_choices=1)
    extras = OptionGroupFactory(menu_item=item, name="Extras", min_choices=0, max_choices=2, sort_order=1)
    item.slot = slot
    item.plain = OptionFactory(group=size, name="Plain", price_delta_paise=0)
    item.masala = OptionFactory(group=size, name="Masala", price_delta_paise=1500)
    item.cheese = OptionFactory(group=extras, name="Extra cheese", price_delta_paise=2000)
    item.butter = OptionFactory(group=extras, name="Butter", price_delta_paise=1000)
    return item


def _post(client, item, lines, slot=None):
    slot = slot or item.slot
    return client.post("/api/v1/orders", {"vendor": slot.vendor_id, "slot": slot.pk, "items": lines}, format="json")


def _code(response):
    return response.json()["error"]["code"]


def _nothing_reserved(item):
    slot = Slot.objects.get(pk=item.slot.pk)
    return slot.reserved == 0 and not Order.objects.filter(slot=slot).exists()


# --- pricing and the snapshot -------------------------------------------------------


def test_a_line_costs_the_item_plus_its_options_and_keeps_their_snapshot(make_client, dosa):
    client = make_client(StudentFactory())
    response = _post(client, dosa, [{"menu_item": dosa.pk, "quantity": 2, "options": [dosa.cheese.pk, dosa.masala.pk]}])

    assert response.status_code == 201, response.json()
    line = response.json()["items"][0]
    assert (line["unit_price_paise"], line["line_total_paise"]) == (8500, 17000)
    assert response.json()["total_paise"] == 17000
    assert line["options"] == [
        {"option": dosa.masala.pk, "group": "Size", "name": "Masala", "price_delta_paise": 1500},
        {"option": dosa.cheese.pk, "group": "Extras", "name": "Extra cheese", "price_delta_paise": 2000},
    ]
    # Later changes of the menu do not change the order.
    dosa.cheese.price_delta_paise, dosa.cheese.name = 9900, "Cheese burst"
    dosa.cheese.save()
    order = Order.objects.get(pk=response.json()["id"])
    stored = order.items.get()
    assert stored.options[1] == {
        "option": dosa.cheese.pk,
        "group": "Extras",
        "name": "Extra cheese",
        "price_delta_paise": 2000,
    }
    assert (stored.unit_price_paise, order.total_paise) == (8500, 17000)


def test_the_same_item_on_two_lines_with_different_options(make_client, dosa):
    response = _post(
        make_client(StudentFactory()),
        dosa,
        [
            {"menu_item": dosa.pk, "quantity": 1, "options": [dosa.plain.pk]},
            {"menu_item": dosa.pk, "quantity": 3, "options": [dosa.masala.pk, dosa.butter.pk]},
        ],
    )
    assert response.status_code == 201, response.json()
    assert [line["line_total_paise"] for line in response.json()["items"]] == [5000, 3 * 7500]


def test_the_same_item_with_the_same_options_twice_is_refused(make_client, dosa):
    response = _post(
        make_client(StudentFactory()),
        dosa,
        [
            {"menu_item": dosa.pk, "quantity": 1, "options": [dosa.masala.pk, dosa.cheese.pk]},
            {"menu_item": dosa.pk, "quantity": 1, "options": [dosa.cheese.pk, dosa.masala.pk]},
        ],
    )
    assert response.status_code == 400 and _code(response) == "validation_error"
    assert _nothing_reserved(dosa)


@pytest.mark.parametrize(
    "chosen, why",
    [
        ([], "size is required (min 1)"),
        (["plain", "masala"], "size takes exactly 1"),
        (["plain", "cheese", "butter", "cheese"], "an option twice"),
    ],
)
def test_a_group_outside_its_min_max_is_refused(make_client, dosa, chosen, why):
    options = [getattr(dosa, name).pk for name in chosen]
    response = _post(make_client(StudentFactory()), dosa, [{"menu_item": dosa.pk, "quantity": 1, "options": options}])
    assert response.status_code == 400, why
    assert _code(response) == "validation_error"
    assert _nothing_reserved(dosa)


def test_the_max_of_a_group_is_allowed_and_one_more_is_not(make_client, dosa):
    third = OptionFactory(group=dosa.cheese.group, name="Ghee", price_delta_paise=500)
    client = make_client(StudentFactory())
    ok = _post(
        client,
        dosa,
        [{"menu_item": dosa.pk, "quantity": 1, "options": [dosa.plain.pk, dosa.cheese.pk, dosa.butter.pk]}],
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["total_paise"] == 5000 + 2000 + 1000
    over = _post(
        client,
        dosa,
        [{"menu_item": dosa.pk, "quantity": 1, "options": [dosa.plain.pk, dosa.cheese.pk, dosa.butter.pk, third.pk]}],
    )
    assert over.status_code == 400 and _code(over) == "validation_error"


def test_an_option_of_another_item_is_refused(make_client, dosa):
    idli = MenuItemFactory(vendor=dosa.vendor, name="Idli")
    foreign = OptionFactory(group=OptionGroupFactory(menu_item=idli, name="Chutney"), name="Coconut")
    response = _post(
        make_client(StudentFactory()),
        dosa,
        [{"menu_item": dosa.pk, "quantity": 1, "options": [dosa.plain.pk, foreign.pk]}],
    )
    assert response.status_code == 400 and _code(response) == "validation_error"
    assert _nothing_reserved(dosa)


def test_an_unavailable_option_is_refused(make_client, dosa):
    dosa.masala.is_available = False
    dosa.masala.save()
    response = _post(
        make_client(StudentFactory()), dosa, [{"menu_item": dosa.pk, "quantity": 1, "options": [dosa.masala.pk]}]
    )
    assert response.status_code == 409 and _code(response) == "item_unavailable"
    assert response.json()["error"]["details"]["options"] == [dosa.masala.pk]
    assert _nothing_reserved(dosa)


def test_more_than_max_per_order_over_all_lines_is_a_validation_error(make_client, dosa):
    dosa.max_per_order = 3
    dosa.save()
    client = make_client(StudentFactory())
    over = _post(
        client,
        dosa,
        [
            {"menu_item": dosa.pk, "quantity": 2, "options": [dosa.plain.pk]},
            {"menu_item": dosa.pk, "quantity": 2, "options": [dosa.masala.pk]},
        ],
    )
    assert over.status_code == 400 and _code(over) == "validation_error"
    assert _nothing_reserved(dosa)
    ok = _post(client, dosa, [{"menu_item": dosa.pk, "quantity": 3, "options": [dosa.plain.pk]}])
    assert ok.status_code == 201


# --- stock ------------------------------------------------------------------------------


def _stocked(stock, **kwargs):
    slot = SlotFactory(capacity=50)
    item = MenuItemFactory(vendor=slot.vendor, name="Biryani", price_paise=12000, stock=stock, **kwargs)
    item.slot = slot
    return item


def _stock(item) -> int | None:
    return MenuItem.objects.get(pk=item.pk).stock


def test_an_order_takes_stock_and_too_few_left_is_item_sold_out(make_client):
    biryani = _stocked(3)
    client = make_client(StudentFactory())
    first = _post(client, biryani, [{"menu_item": biryani.pk, "quantity": 2}])
    assert first.status_code == 201 and _stock(biryani) == 1
    assert OrderItem.objects.get(order_id=first.json()["id"]).stock_taken == 2

    short = _post(make_client(StudentFactory()), biryani, [{"menu_item": biryani.pk, "quantity": 2}])
    assert short.status_code == 409 and _code(short) == "item_sold_out"
    assert short.json()["error"]["details"] == {"menu_item": biryani.pk, "remaining": 1}
    assert _stock(biryani) == 1
    assert Slot.objects.get(pk=biryani.slot.pk).reserved == 1  # the refused order's place went back

    last = _post(make_client(StudentFactory()), biryani, [{"menu_item": biryani.pk, "quantity": 1}])
    assert last.status_code == 201 and _stock(biryani) == 0


def test_stock_counts_the_item_over_all_its_lines(make_client, dosa):
    dosa.stock = 3
    dosa.save()
    response = _post(
        make_client(StudentFactory()),
        dosa,
        [
            {"menu_item": dosa.pk, "quantity": 2, "options": [dosa.plain.pk]},
            {"menu_item": dosa.pk, "quantity": 2, "options": [dosa.masala.pk]},
        ],
    )
    assert response.status_code == 409 and _code(response) == "item_sold_out"
    assert _stock(dosa) == 3 and _nothing_reserved(dosa)


def test_a_sold_out_item_stays_on_the_menu_marked(api_client):
    biryani = _stocked(0)
    menu = api_client.get(f"/api/v1/vendors/{biryani.vendor_id}/menu").json()
    assert [(row["id"], row["is_sold_out"], row["stock"]) for row in menu] == [(biryani.pk, True, 0)]


def test_an_item_without_a_limit_takes_nothing(make_client):
    chai = _stocked(None)
    response = _post(make_client(StudentFactory()), chai, [{"menu_item": chai.pk, "quantity": 20}])
    assert response.status_code == 201
    assert _stock(chai) is None and OrderItem.objects.get(order_id=response.json()["id"]).stock_taken == 0


@pytest.mark.parametrize("end", ["cancel", "reject", "expire", "staff_refund"])
def test_stock_goes_back_exactly_once_when_the_place_does(end):
    biryani = _stocked(5)
    student = StudentFactory()
    if end in ("reject", "staff_refund"):
        order = paid_order(student=student, slot=biryani.slot, items=[biryani], quantity=2)
    else:
        order = place_order(student=student, slot=biryani.slot, items=[biryani], quantity=2)
    assert _stock(biryani) == 3
    if end == "cancel":
        services.order_cancel(order_id=order.pk, student=student)
    elif end == "reject":
        services.order_reject(order_id=order.pk, vendor=biryani.vendor, reason="Out of rice")
    elif end == "expire":
        Order.objects.filter(pk=order.pk).update(payment_due_by=timezone.now() - timedelta(minutes=1))
        assert services.order_expire(order_id=order.pk) is True
        assert services.order_expire(order_id=order.pk) is False
    else:
        assert services.order_cancel_refunded(order_id=order.pk, actor=None) is True
        assert services.order_cancel_refunded(order_id=order.pk, actor=None) is False
    assert _stock(biryani) == 5
    assert Slot.objects.get(pk=biryani.slot.pk).reserved == 0


def test_completing_an_order_gives_no_stock_back():
    biryani = _stocked(5)
    order = paid_order(slot=biryani.slot, items=[biryani], quantity=2)
    services.order_accept(order_id=order.pk, vendor=biryani.vendor)
    services.order_mark_ready(order_id=order.pk, vendor=biryani.vendor)
    services.order_complete(order_id=order.pk, vendor=biryani.vendor, pickup_code=order.pickup_code)
    assert _stock(biryani) == 3


def test_an_order_placed_before_the_morning_reset_gives_nothing_back_to_the_fresh_stock():
    biryani = _stocked(5, daily_stock=40)
    student = StudentFactory()
    order = place_order(student=student, slot=biryani.slot, items=[biryani], quantity=2)
    assert stock_reset_daily(now=timezone.now() + timedelta(seconds=1)) >= 1
    assert _stock(biryani) == 40
    services.order_cancel(order_id=order.pk, student=student)
    assert _stock(biryani) == 40


def test_prep_sheet_counts_each_item_per_combination_of_options(make_client, dosa):
    def pay(options, quantity):
        order = services.order_place(
            student=StudentFactory(),
            vendor_id=dosa.vendor_id,
            slot_id=dosa.slot.pk,
            lines=[services.OrderLine(menu_item_id=dosa.pk, quantity=quantity, options=tuple(o.pk for o in options))],
        )
        capture(open_payment(payer=order.student, order_=order))

    pay([dosa.masala, dosa.cheese], 3)
    pay([dosa.cheese, dosa.masala], 1)
    pay([dosa.plain], 2)
    response = make_client(dosa.vendor).get(f"/api/v1/slots/{dosa.slot.pk}/prep-sheet")
    assert response.status_code == 200
    assert [(line["label"], line["quantity"]) for line in response.json()["items"]] == [
        ("Dosa, Masala, Extra cheese", 4),
        ("Dosa, Plain", 2),
    ]
