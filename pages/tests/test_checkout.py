"""The food checkout's server rules (issue 22): pickup-time chips, a slot is required, refusals beside
their cause, placing as JSON for the one-step pay, the unpaid hold, ordering again, the receipt."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from catalog import services as catalog_services
from catalog.models import Shop
from ordering import services as ordering_services
from ordering.models import Order, Slot
from payments import services as payment_services
from payments.models import Payment
from payments.services import Source

from ..views import checkout
from . import factories

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
GSTIN = "29ABCDE1234F1Z5"


def _menu(campus) -> str:
    return f"/vendors/{campus.canteen.vendor_id}"


def _captured(order: Order, *, method: str = "upi") -> Payment:
    """Pay the order as Razorpay's capture does, through the one capture path."""
    payment = Payment.objects.create(
        payer_id=order.student_id, order=order, amount_paise=order.total_paise, razorpay_order_id=f"order_R{order.pk}"
    )
    return payment_services.payment_capture(
        payment_id=payment.pk,
        razorpay_payment_id=f"pay_R{order.pk}",
        amount_paise=order.total_paise,
        currency="INR",
        source=Source.WEBHOOK,
        method=method,
    )


def _expired(order: Order) -> Order:
    Order.objects.filter(pk=order.pk).update(payment_due_by=timezone.now() - timedelta(seconds=1))
    ordering_services.order_expire(order_id=order.pk)
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    return order


def _cart(client, campus) -> dict:
    return client.session.get(f"cart-{campus.canteen.vendor_id}", {}).get("lines", {})


# --- pickup-time chips ----------------------------------------------------------------------------------


def test_chips_are_grouped_today_tomorrow_then_by_weekday(campus):
    now = timezone.make_aware(datetime(2026, 12, 3, 9, 0))  # a Thursday morning on campus
    shop = Shop.objects.get(pk=campus.canteen.pk)

    def row(days: int, hours: int, reserved: int = 0) -> Slot:
        return Slot(
            vendor_id=shop.vendor_id,
            starts_at=now + timedelta(days=days, hours=hours),
            ends_at=now + timedelta(days=days, hours=hours, minutes=30),
            capacity=5,
            reserved=reserved,
        )

    days = checkout.slot_days([row(0, 3, reserved=5), row(0, 4, reserved=3), row(1, 3), row(3, 3)], shop=shop, now=now)
    assert [day.label for day in days] == ["Today", "Tomorrow", "Sunday 6 Dec"]
    assert [[chip.state for chip in day.chips] for day in days] == [["full", "few"], ["open"], ["open"]]

    shop.paused_until = now + timedelta(minutes=20)
    paused = checkout.slot_days([row(0, 3, reserved=5), row(0, 4)], shop=shop, now=now)
    assert [chip.state for chip in paused[0].chips] == ["full", "paused"]
    assert checkout.slot_to_choose(paused, wanted=None) is None  # nothing can be ordered while paused


def test_the_next_open_slot_is_chosen_and_the_pay_button_reads_the_total(student_client, campus):
    full = factories.slot(campus.canteen, capacity=1, starts_in=timedelta(minutes=80))
    factories.fill(full)
    later = factories.slot(campus.canteen, capacity=5, starts_in=timedelta(hours=5))
    student_client.post(_menu(campus), {f"qty_{campus.dosa.pk}": "1", f"qty_{campus.chai.pk}": "1"})  # no slot: kept
    html = student_client.get(_menu(campus)).content.decode()
    # The full slot comes first but cannot be chosen; the lunch slot (the next open one) is chosen.
    assert f'id="slot-{full.pk}"' not in html and 'data-testid="full-slot" data-state="full"' in html
    assert re.search(rf'id="slot-{campus.lunch.pk}" value="{campus.lunch.pk}" checked', html)
    assert not re.search(rf'id="slot-{later.pk}" value="{later.pk}" checked', html)
    assert re.search(r"Pay <span data-pay-total>₹75</span></button>", html)
    assert html.count('data-testid="slot-day"') >= 1 and ("Today" in html or "Tomorrow" in html)


# --- placing: a slot is required, refusals beside their cause ---------------------------------------


def _error(html: str, where: str) -> str:
    match = re.search(rf'<p class="field-error[^"]*"[^>]*data-error-for="{where}"[^>]*>([^<]*)</p>', html)
    assert match, f"no error place {where!r}"
    return match.group(1).strip()


def test_without_a_slot_nothing_is_placed_and_the_error_stands_beside_the_pickup_times(student_client, campus):
    response = student_client.post(_menu(campus), {f"qty_{campus.dosa.pk}": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert _error(html, "slot") == "Choose a pickup time."
    assert _error(html, "cart") == ""
    slots_part = html[
        html.index('<fieldset class="slots"') : html.index("</fieldset>", html.index('<fieldset class="slots"'))
    ]
    assert "Choose a pickup time." in slots_part
    assert not Order.objects.exists()

    response = student_client.post(_menu(campus), {f"qty_{campus.dosa.pk}": "1"}, **JSON)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["details"] == {"slot": ["Choose a pickup time."]}
    assert not Order.objects.exists()


def test_an_empty_cart_is_said_beside_the_pay_button(student_client, campus):
    response = student_client.post(_menu(campus), {"slot": campus.lunch.pk})
    assert response.status_code == 400
    assert "Your cart is empty" in _error(response.content.decode(), "cart")
    assert _error(response.content.decode(), "slot") == ""


def test_a_slot_that_filled_is_said_beside_the_pickup_times(student_client, campus):
    factories.fill(campus.lunch)
    response = student_client.post(_menu(campus), {f"qty_{campus.dosa.pk}": "2", "slot": campus.lunch.pk}, **JSON)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "slot_full" and list(error["details"]) == ["slot"]
    assert "just filled up" in error["details"]["slot"][0]
    assert _cart(student_client, campus) == {f"qty_{campus.dosa.pk}": 2}  # the cart is kept
    html = student_client.post(_menu(campus), {f"qty_{campus.dosa.pk}": "2", "slot": campus.lunch.pk}).content.decode()
    assert "just filled up" in _error(html, "slot") and _error(html, "cart") == ""


def test_a_dish_that_sold_out_is_said_beside_that_dish(student_client, campus):
    catalog_services.menu_item_update(vendor=campus.canteen.vendor, item_id=campus.dosa.pk, stock=1)
    response = student_client.post(
        _menu(campus), {f"qty_{campus.dosa.pk}": "3", f"qty_{campus.chai.pk}": "1", "slot": campus.lunch.pk}, **JSON
    )
    assert response.status_code == 409
    details = response.json()["error"]["details"]
    assert (
        list(details) == [f"item-{campus.dosa.pk}"]
        and "Only 1 left of Masala Dosa" in details[f"item-{campus.dosa.pk}"][0]
    )
    html = student_client.post(_menu(campus), {f"qty_{campus.dosa.pk}": "3", "slot": campus.lunch.pk}).content.decode()
    assert "Only 1 left of Masala Dosa" in _error(html, f"item-{campus.dosa.pk}")
    assert not Order.objects.exists()


def test_placing_from_the_page_script_answers_what_paying_needs(student_client, student, campus):
    response = student_client.post(
        _menu(campus), {f"qty_{campus.dosa.pk}": "1", f"qty_{campus.chai.pk}": "1", "slot": campus.lunch.pk}, **JSON
    )
    assert response.status_code == 201
    order = Order.objects.get(student=student)
    assert response.json()["order"] == {
        "id": order.pk,
        "url": f"/orders/{order.pk}",
        "pay_url": f"/api/v1/orders/{order.pk}/pay",
        "total_paise": 7500,
        "description": f"Order #{order.pk} at Main Canteen",
        "payment_due_by": timezone.localtime(order.payment_due_by).isoformat(),
    }
    assert _cart(student_client, campus) == {}


# --- the unpaid order: its hold, then expired -------------------------------------------------------


def test_the_unpaid_order_shows_its_hold_counting_down(student_client, student, campus, settings):
    order = factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)])
    html = student_client.get(f"/orders/{order.pk}").content.decode()
    match = re.search(r'data-hold-seconds="(\d+)">Pay within <strong data-hold-left>(\d+):(\d\d)</strong>', html)
    assert match, "no hold countdown"
    seconds = int(match.group(1))
    assert settings.PAYMENT_WINDOW_MINUTES * 60 - 5 <= seconds <= settings.PAYMENT_WINDOW_MINUTES * 60
    assert int(match.group(2)) * 60 + int(match.group(3)) == seconds
    assert "Pay ₹60 now" in html and "Expired" not in html


def test_an_order_past_its_hold_says_expired_even_before_the_expiry_task(student_client, student, campus):
    order = factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)])
    Order.objects.filter(pk=order.pk).update(payment_due_by=timezone.now() - timedelta(seconds=1))
    html = student_client.get(f"/orders/{order.pk}").content.decode()
    assert "Expired &mdash; order again" in html and f'action="/orders/{order.pk}/reorder"' in html
    assert "data-pay-url" not in html and "Pay within" not in html


def test_order_again_puts_the_items_back_into_the_cart(student_client, student, campus):
    order = _expired(factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 2), (campus.chai, 1)]))
    student_client.post(_menu(campus), {f"qty_{campus.chai.pk}": "1"})  # already one chai in the cart
    assert student_client.get(f"/orders/{order.pk}/reorder").status_code == 405
    response = student_client.post(f"/orders/{order.pk}/reorder")
    assert response.status_code == 302 and response["Location"] == _menu(campus) + "?cart=open#cart"
    assert _cart(student_client, campus) == {f"qty_{campus.dosa.pk}": 2, f"qty_{campus.chai.pk}": 2}
    html = student_client.get(_menu(campus)).content.decode()
    assert f"Order #{order.pk} is back in your cart" in html
    assert re.search(rf'id="qty-{campus.dosa.pk}" name="qty_{campus.dosa.pk}" value="2"', html)


def test_order_again_leaves_out_what_is_off_the_menu(student_client, student, campus):
    order = _expired(factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1), (campus.chai, 1)]))
    catalog_services.menu_item_update(vendor=campus.canteen.vendor, item_id=campus.chai.pk, is_available=False)
    student_client.post(f"/orders/{order.pk}/reorder")
    assert _cart(student_client, campus) == {f"qty_{campus.dosa.pk}": 1}
    assert "except what is no longer available: Chai." in student_client.get(_menu(campus)).content.decode()


def test_order_again_of_another_students_order_is_404_and_fills_no_cart(student_client, campus):
    theirs = _expired(factories.order(student=StudentFactory(), slot=campus.lunch, items=[(campus.dosa, 3)]))
    assert student_client.post(f"/orders/{theirs.pk}/reorder").status_code == 404
    assert _cart(student_client, campus) == {}


# --- after paying: payment received, the tracker, the receipt ---------------------------------------


def test_a_paid_order_shows_payment_received_the_tracker_and_its_receipt(student_client, student, campus):
    order = factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1), (campus.chai, 2)])
    payment = _captured(order, method="upi")
    assert payment.method == "upi"
    html = student_client.get(f"/orders/{order.pk}").content.decode()
    assert re.search(r'data-testid="payment-received">Payment received <strong>₹90</strong>', html)
    steps = re.findall(r'data-step="(\w+)" data-state="(\w+)"', html)
    assert steps == [("paid", "done"), ("accepted", "current"), ("ready", "todo"), ("collected", "todo")]
    assert 'data-testid="tracker-ready-at"' in html
    assert f"pay_R{order.pk}" in html and 'data-testid="receipt-method">UPI<' in html
    assert 'data-testid="receipt-amount">₹90<' in html and "data-print" in html

    vendor = campus.canteen.vendor
    ordering_services.order_accept(order_id=order.pk, vendor=vendor)
    ordering_services.order_mark_ready(order_id=order.pk, vendor=vendor)
    html = student_client.get(f"/orders/{order.pk}").content.decode()
    steps = re.findall(r'data-step="(\w+)" data-state="(\w+)"', html)
    assert steps == [("paid", "done"), ("accepted", "done"), ("ready", "done"), ("collected", "current")]


def test_the_receipt_page_is_the_payers_alone(student_client, student, campus, client):
    order = factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)])
    assert student_client.get(f"/orders/{order.pk}/receipt").status_code == 404  # not paid yet
    _captured(order, method="card")
    response = student_client.get(f"/orders/{order.pk}/receipt")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>Receipt for order #{order.pk} · Tap N Take</title>" in html
    assert f"pay_R{order.pk}" in html and 'data-testid="receipt-method">Card<' in html
    assert 'data-testid="receipt-shop">Main Canteen<' in html and 'data-testid="receipt-amount">₹60<' in html
    assert "pages/checkout.css" in html

    other = StudentFactory()
    client.force_login(other)
    assert client.get(f"/orders/{order.pk}/receipt").status_code == 404
    assert f"pay_R{order.pk}" not in client.get(f"/orders/{order.pk}").content.decode()


def test_the_receipt_has_a_gstin_line_only_when_the_shop_has_a_gstin(student_client, student, campus):
    order = factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)])
    _captured(order)
    html = student_client.get(f"/orders/{order.pk}/receipt").content.decode()
    assert "GSTIN" not in html
    Shop.objects.filter(pk=campus.canteen.pk).update(gstin=GSTIN)
    html = student_client.get(f"/orders/{order.pk}/receipt").content.decode()
    assert f'data-testid="receipt-gstin">GSTIN {GSTIN}<' in html


def test_a_late_capture_of_an_expired_order_gives_no_receipt(student_client, student, campus):
    order = _expired(factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)]))
    payment = _captured(order)
    assert payment.is_flagged  # refunded automatically: it paid nothing
    assert student_client.get(f"/orders/{order.pk}/receipt").status_code == 404
    assert "Payment received" not in student_client.get(f"/orders/{order.pk}").content.decode()


def test_an_unknown_payment_method_is_not_stored(campus, student):
    order = factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)])
    assert _captured(order, method="<b>gold</b>").method == ""


def test_the_database_refuses_a_malformed_gstin(campus):
    with pytest.raises(IntegrityError), transaction.atomic():
        Shop.objects.filter(pk=campus.canteen.pk).update(gstin="29ABCDE1234F1Z")
    Shop.objects.filter(pk=campus.canteen.pk).update(gstin=GSTIN)
    assert Shop.objects.get(pk=campus.canteen.pk).gstin == GSTIN


def test_only_the_payer_finds_the_receipts_payment(campus, student):
    from core.errors import NotFound
    from payments import selectors as payment_selectors

    order = factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)])
    payment = _captured(order)
    assert payment_selectors.payment_receipt_for_order(user=student, order_id=order.pk) == payment
    with pytest.raises(NotFound):
        payment_selectors.payment_receipt_for_order(user=StudentFactory(), order_id=order.pk)
