"""The admin: payments with their events and refunds, and the refund action."""

import pytest

from accounts.tests.factories import StaffFactory, admin_sign_in
from ordering.tests.factories import place_order
from payments.models import Payment, Refund

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_pages_render(admin_client, sandbox, make_client):
    order = place_order()
    checkout = make_client(order.student).post(f"/api/v1/orders/{order.pk}/pay").json()
    sandbox.pay(checkout["razorpay_order_id"])
    payment = Payment.objects.get()
    for url in (
        "/admin/payments/payment/",
        f"/admin/payments/payment/{payment.pk}/change/",
        "/admin/payments/refund/",
        "/admin/payments/webhookevent/",
    ):
        assert admin_client.get(url).status_code == 200, url
    page = admin_client.get(f"/admin/payments/payment/{payment.pk}/change/").content.decode()
    assert "captured" in page and checkout["razorpay_order_id"] in page


def test_admin_refund_action_refunds_through_the_service(admin_client, sandbox, make_client):
    order = place_order()
    checkout = make_client(order.student).post(f"/api/v1/orders/{order.pk}/pay").json()
    sandbox.pay(checkout["razorpay_order_id"])
    payment = Payment.objects.get()
    # The action opens the payment's confirmation page (issue 16); submitting it refunds.
    response = admin_client.post(
        "/admin/payments/payment/", {"action": "refund_in_full", "_selected_action": [payment.pk]}, follow=True
    )
    assert response.status_code == 200 and not Refund.objects.exists()
    body = {"amount": f"{payment.amount_paise / 100:.2f}", "reason": "Duplicate", "key": "k-1"}
    admin_client.post(f"/admin/payments/payment/{payment.pk}/refund/", body)
    refund = Refund.objects.get()
    assert refund.amount_paise == payment.amount_paise and refund.status == "processed"
    assert refund.requested_by.is_staff
    # Asking again finds nothing left to refund.
    response = admin_client.post(f"/admin/payments/payment/{payment.pk}/refund/", {**body, "key": "k-2"})
    assert response.status_code == 200 and "amount" in response.context["form"].errors
    assert Refund.objects.count() == 1


def test_admin_refund_action_needs_the_refund_permission(client, sandbox, make_client):
    order = place_order()
    checkout = make_client(order.student).post(f"/api/v1/orders/{order.pk}/pay").json()
    sandbox.pay(checkout["razorpay_order_id"])
    payment = Payment.objects.get()
    admin_sign_in(client, StaffFactory(perms=["payments.view_payment"]))

    page = client.get("/admin/payments/payment/").content.decode()
    assert "refund_in_full" not in page
    client.post("/admin/payments/payment/", {"action": "refund_in_full", "_selected_action": [payment.pk]})

    assert not Refund.objects.exists()
    assert Payment.objects.get().refunded_paise == 0
