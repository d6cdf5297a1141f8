"""Case files: an order's and a print job's page show shop, student, lines, every payment and refund
with its state, and a timeline in words; refund and cancel there go through the refund service and
text the student and the shop."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from catalog.tests.factories import PrintServiceFactory, ShopFactory, StationeryShopFactory
from core.admin_display import campus_zone
from ordering.models import Order
from ordering.tests.factories import SlotFactory, paid_order
from payments.models import Payment, Refund
from payments.tests.factories import capture, open_payment
from stationery.models import PrintJob
from stationery.tests.factories import PrintJobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def noon_order():
    """A paid order of ₹45.00 at Annapurna Canteen for tomorrow's 12:00–12:30 slot (campus time)."""
    tomorrow = timezone.now().astimezone(campus_zone()).date() + dt.timedelta(days=1)
    noon = dt.datetime.combine(tomorrow, dt.time(12, 0), tzinfo=campus_zone())
    shop = ShopFactory(name="Annapurna Canteen")
    slot = SlotFactory(vendor=shop.vendor, starts_at=noon, ends_at=noon + dt.timedelta(minutes=30))
    student = StudentFactory(name="Meera Iyer", phone="+919845012345")
    order = paid_order(student=student, slot=slot)
    return order


def _page(client, order):
    response = client.get(f"/admin/ordering/order/{order.pk}/change/")
    assert response.status_code == 200
    return response


def _refund(client, order, **data):
    return client.post(f"/admin/ordering/order/{order.pk}/case-refund/", {"key": "case-key-1", **data})


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_order_case_file_in_rupees_and_campus_time(as_staff, finance, noon_order):
    payment = Payment.objects.get(order=noon_order)
    response = _page(as_staff(finance), noon_order)
    case, html = response.context["case"], response.content.decode()
    assert case["shop"] == "Annapurna Canteen" and case["student"] == "Meera Iyer · +919845012345"
    assert case["pickup"].endswith("12:00–12:30")  # campus time, not 06:30 UTC
    assert case["lines"][0]["detail"] == "1 × ₹45.00" and case["lines"][-1]["amount"] == "₹45.00"
    [row] = case["payments"]
    assert row["state"] == "paid" and row["captured"] == "₹45.00" and row["razorpay"] == payment.razorpay_payment_id
    texts = [moment.text for moment in case["timeline"]]
    assert texts[0] == "Placed by the student, waiting for payment"
    assert "Paid" in texts and f"Payment #{payment.pk}: ₹45.00 captured by Razorpay" in texts
    for text in ("Annapurna Canteen", "12:00–12:30", "₹45.00", "What happened", "case-refund-form", "case-cancel-form"):
        assert text in html, text
    assert "4500" not in html.replace(payment.razorpay_payment_id, "")  # no paise on the page


def test_a_partial_refund_with_a_reason_goes_through_the_service_and_texts_both(
    as_staff, finance, noon_order, sms_outbox, django_capture_on_commit_callbacks
):
    payment = Payment.objects.get(order=noon_order)
    with django_capture_on_commit_callbacks(execute=True):
        response = _refund(
            as_staff(finance), noon_order, mode="refund", payment=payment.pk, amount="10.50", reason="Cold dosa"
        )

    assert response.status_code == 302
    refund = Refund.objects.get(payment=payment)
    assert (refund.amount_paise, refund.reason, refund.requested_by_id) == (1050, "Cold dosa", finance.pk)
    noon_order.refresh_from_db()
    assert noon_order.status == Order.Status.PAID  # a partial refund cancels nothing
    texts = {message["to"]: message["body"] for message in sms_outbox}
    assert "₹10.50" in texts[noon_order.student.phone] and "₹10.50" in texts[noon_order.vendor.phone]
    assert "cancelled" not in texts[noon_order.student.phone]
    page = _page(as_staff(finance), noon_order)
    assert any("Cold dosa" in m.text and "₹10.50" in m.text for m in page.context["case"]["timeline"])
    assert page.context["case"]["payments"][0]["left"] == "₹34.50"


def test_cancel_refunds_everything_left_and_cancels_the_order(
    as_staff, finance, noon_order, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _refund(as_staff(finance), noon_order, mode="cancel", reason="Canteen closed for the day")

    assert response.status_code == 302
    noon_order.refresh_from_db()
    assert noon_order.status == Order.Status.CANCELLED
    assert Refund.objects.get(payment__order=noon_order).amount_paise == 4500
    texts = {message["to"]: message["body"] for message in sms_outbox}
    assert "cancelled" in texts[noon_order.student.phone] and "do not hand it over" in texts[noon_order.vendor.phone]
    assert not _page(as_staff(finance), noon_order).context["case"]["may_refund"]  # nothing left


@pytest.mark.parametrize(
    "data",
    [
        {"mode": "refund", "amount": "10.555", "reason": "x"},  # a fraction of a paisa
        {"mode": "refund", "amount": "45.01", "reason": "x"},  # more than is left
        {"mode": "refund", "amount": "ten", "reason": "x"},
        {"mode": "refund", "amount": "5", "reason": "   "},
        {"mode": "cancel", "reason": ""},
        {"mode": "explode", "reason": "x"},
        {"mode": "refund", "payment": "999999", "reason": "x"},
    ],
)
def test_bad_input_refunds_nothing_and_says_why(as_staff, finance, noon_order, data):
    payment = Payment.objects.get(order=noon_order)
    data.setdefault("payment", payment.pk)
    response = _refund(as_staff(finance), noon_order, **data)
    assert response.status_code == 302
    assert any(m.startswith("Nothing refunded") for m in _messages(response))
    assert not Refund.objects.exists()
    noon_order.refresh_from_db()
    assert noon_order.status == Order.Status.PAID


def test_the_refund_url_takes_only_posts(as_staff, finance, noon_order):
    assert as_staff(finance).get(f"/admin/ordering/order/{noon_order.pk}/case-refund/").status_code == 405


def test_the_print_job_case_file_and_its_cancel(as_staff, finance, sms_outbox, django_capture_on_commit_callbacks):
    shop = StationeryShopFactory(name="Copy Corner")
    job = PrintJobFactory(service=PrintServiceFactory(vendor=shop.vendor), status=PrintJob.Status.READY)
    capture(open_payment(payer=job.student, job=job))
    job.refresh_from_db()
    assert job.status == PrintJob.Status.PAID
    client = as_staff(finance)

    page = client.get(f"/admin/stationery/printjob/{job.pk}/change/")
    case = page.context["case"]
    assert case["shop"] == "Copy Corner" and case["lines"][-1]["amount"] == "₹12.00"
    assert case["payments"][0]["state"] == "paid" and case["may_cancel"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/stationery/printjob/{job.pk}/case-refund/",
            {"mode": "cancel", "reason": "Printer out of toner", "key": "job-key"},
        )

    job.refresh_from_db()
    assert job.status == PrintJob.Status.CANCELLED
    assert Refund.objects.get(payment__print_job=job).reason == "Printer out of toner"
    assert {m["to"] for m in sms_outbox} >= {job.student.phone, job.vendor.phone}
