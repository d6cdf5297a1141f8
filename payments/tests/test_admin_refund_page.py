"""Issue 16: the admin refunds one payment through a confirmation page (amount, required reason)."""

import pytest

from accounts.tests.factories import StaffFactory, admin_sign_in
from ordering.tests.factories import place_order
from payments.models import Payment, Refund

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def payment(sandbox, make_client) -> Payment:
    order = place_order(quantity=2)
    checkout = make_client(order.student).post(f"/api/v1/orders/{order.pk}/pay").json()
    sandbox.pay(checkout["razorpay_order_id"])
    return Payment.objects.get()


@pytest.fixture
def admin_client(client):
    admin_sign_in(client, StaffFactory(is_superuser=True))
    return client


def _url(payment):
    return f"/admin/payments/payment/{payment.pk}/refund/"


def test_the_page_shows_the_refundable_rest_in_rupees_and_what_it_belongs_to(admin_client, payment):
    page = admin_client.get(_url(payment))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="90.00"' in html and f"order #{payment.order_id}" in html
    assert 'name="csrfmiddlewaretoken"' in html and 'name="key"' in html
    # The change page links to it.
    assert _url(payment) in admin_client.get(f"/admin/payments/payment/{payment.pk}/change/").content.decode()


@pytest.mark.parametrize(
    "amount, reason, field",
    [
        ("40.00", "", "reason"),
        ("40.00", "   ", "reason"),
        ("0", "x", "amount"),
        ("-5", "x", "amount"),
        ("90.01", "x", "amount"),
        ("10.005", "x", "amount"),
        ("ten", "x", "amount"),
    ],
)
def test_bad_input_shows_an_error_and_refunds_nothing(admin_client, payment, amount, reason, field):
    response = admin_client.post(_url(payment), {"amount": amount, "reason": reason, "key": "k1"})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "errorlist" in response.content.decode()
    assert Refund.objects.count() == 0


def test_a_partial_refund_with_a_reason_and_a_double_submit_refund_once(admin_client, payment):
    body = {"amount": "40.50", "reason": "Cold food", "key": "one-time-key"}
    assert admin_client.post(_url(payment), body).status_code == 302
    assert admin_client.post(_url(payment), body).status_code == 302  # the same form submitted twice
    refund = Refund.objects.get()
    assert refund.amount_paise == 4050 and refund.reason == "Cold food" and refund.status == "processed"
    payment.refresh_from_db()
    assert payment.refunded_paise == 4050
    assert payment.order.status == "paid"  # partial: no status change


def test_selecting_several_payments_refunds_nothing(admin_client, payment, sandbox, make_client):
    other = place_order(quantity=1)
    checkout = make_client(other.student).post(f"/api/v1/orders/{other.pk}/pay").json()
    sandbox.pay(checkout["razorpay_order_id"])
    ids = list(Payment.objects.values_list("pk", flat=True))
    response = admin_client.post(
        "/admin/payments/payment/", {"action": "refund_in_full", "_selected_action": ids}, follow=True
    )
    assert response.status_code == 200
    assert "one payment at a time" in response.content.decode()
    assert Refund.objects.count() == 0


def test_selecting_one_payment_opens_its_confirmation_page(admin_client, payment):
    response = admin_client.post(
        "/admin/payments/payment/", {"action": "refund_in_full", "_selected_action": [payment.pk]}
    )
    assert response.status_code == 302 and response["Location"].endswith(_url(payment))
    assert Refund.objects.count() == 0


def test_the_page_needs_the_refund_permission(client, payment):
    admin_sign_in(client, StaffFactory(perms=["payments.view_payment"]))
    assert client.get(_url(payment)).status_code == 403
    assert client.post(_url(payment), {"amount": "1.00", "reason": "x", "key": "k"}).status_code == 403
    assert _url(payment) not in client.get(f"/admin/payments/payment/{payment.pk}/change/").content.decode()
    assert Refund.objects.count() == 0


def test_the_page_is_csrf_protected(payment):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    admin_sign_in(csrf_client, StaffFactory(is_superuser=True))
    response = csrf_client.post(_url(payment), {"amount": "1.00", "reason": "x", "key": "k"})
    assert response.status_code == 403
    assert Refund.objects.count() == 0
