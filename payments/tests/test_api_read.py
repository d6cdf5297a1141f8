"""GET /payments and /payments/{id}: the payer or staff; anyone else 404."""

import pytest

from accounts.tests.factories import FoodVendorFactory, StaffFactory, StudentFactory
from payments.models import Payment

from .factories import PaymentFactory

pytestmark = pytest.mark.django_db


def test_students_list_their_own_payments_staff_list_all(make_client):
    mine = PaymentFactory()
    PaymentFactory()
    # A reservation still waiting for its Razorpay order is not a payment yet: never listed.
    Payment.objects.create(order=mine.order, payer=mine.payer, amount_paise=1, status="failed")
    response = make_client(mine.payer).get("/api/v1/payments")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [mine.pk]
    staff = make_client(StaffFactory()).get("/api/v1/payments").json()
    assert staff["count"] == 2


def test_payment_shape(make_client):
    payment = PaymentFactory()
    body = make_client(payment.payer).get(f"/api/v1/payments/{payment.pk}").json()
    assert {
        "id",
        "status",
        "amount_paise",
        "refunded_paise",
        "razorpay_order_id",
        "razorpay_payment_id",
        "order",
        "print_job",
        "created_at",
    } <= set(body)
    assert body["order"] == payment.order_id and body["print_job"] is None and body["status"] == "created"


def test_someone_elses_payment_is_not_found(make_client):
    payment = PaymentFactory()
    for stranger in (StudentFactory(), FoodVendorFactory(), payment.order.vendor):
        response = make_client(stranger).get(f"/api/v1/payments/{payment.pk}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert make_client(StaffFactory()).get(f"/api/v1/payments/{payment.pk}").status_code == 200


def test_anonymous_is_401(api_client):
    assert api_client.get("/api/v1/payments").status_code == 401


def test_list_query_count_does_not_grow(make_client, django_assert_max_num_queries):
    staff = make_client(StaffFactory())
    for _ in range(5):
        PaymentFactory()
    with django_assert_max_num_queries(6):
        assert staff.get("/api/v1/payments").json()["count"] == 5
    for _ in range(10):
        PaymentFactory()
    with django_assert_max_num_queries(6):
        assert staff.get("/api/v1/payments").json()["count"] == 15
