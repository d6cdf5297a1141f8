"""GET /api/v1/dashboard/payment-states: where the money of the vendor's own orders and jobs went."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from accounts.tests.factories import StudentFactory, VendorFactory
from dashboard import api_urls as dashboard_api_urls
from stationery.models import PrintJob
from stationery.tests.factories import PrintJobFactory

from .factories import captured_payment, dish, food_vendor, place_order, print_service, slot, stationery_vendor

pytestmark = pytest.mark.django_db

URL = "/api/v1/dashboard/payment-states"


@pytest.fixture
def counter():
    vendor = food_vendor()
    return vendor, slot(vendor, capacity=50), dish(vendor, "Masala dosa", 6000)


def test_a_vendor_reads_the_payment_and_refund_state_of_its_own_orders(make_client, counter):
    vendor, lunch, dosa = counter
    refunded = place_order(lunch, {dosa: 1})
    kept = place_order(lunch, {dosa: 2})
    unpaid = place_order(lunch, {dosa: 3})
    refund_payment = captured_payment(order=refunded, refunded_paise=6000)
    kept_payment = captured_payment(order=kept)

    response = make_client(vendor).get(URL, {"order": [refunded.pk, kept.pk, unpaid.pk]})

    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "order": refunded.pk,
                "print_job": None,
                "payment": refund_payment.pk,
                "status": "refunded",
                "captured_paise": 6000,
                "refunded_paise": 6000,
                "refund_status": "pending",
            },
            {
                "order": kept.pk,
                "print_job": None,
                "payment": kept_payment.pk,
                "status": "captured",
                "captured_paise": 12000,
                "refunded_paise": 0,
                "refund_status": None,
            },
        ]
    }


def test_another_vendors_orders_and_jobs_are_simply_not_in_the_answer(make_client, counter):
    vendor, _, _ = counter
    other = food_vendor("Chaat Corner")
    theirs = place_order(slot(other), {dish(other, "Pani puri", 5000): 1})
    captured_payment(order=theirs)
    their_job = PrintJobFactory(service=print_service(stationery_vendor()), status=PrintJob.Status.READY)
    captured_payment(print_job=their_job)

    response = make_client(vendor).get(URL, {"order": [theirs.pk], "print_job": [their_job.pk]})

    assert response.status_code == 200
    assert response.json() == {"results": []}


def test_a_print_shop_reads_its_own_jobs(make_client):
    shop = stationery_vendor()
    job = PrintJobFactory(service=print_service(shop), status=PrintJob.Status.READY)
    payment = captured_payment(print_job=job)

    response = make_client(shop).get(URL, {"print_job": job.pk})

    assert response.status_code == 200
    [state] = response.json()["results"]
    assert (state["print_job"], state["order"], state["payment"]) == (job.pk, None, payment.pk)


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        (StudentFactory, 403, "permission_denied"),
        (lambda: VendorFactory(is_approved=False), 403, "vendor_not_approved"),
    ],
)
def test_only_approved_vendors_may_ask(make_client, who, status, code):
    response = make_client(who()).get(URL, {"order": 1})
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_signed_out_callers_get_401_in_the_envelope(api_client):
    response = api_client.get(URL, {"order": 1})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("query", [{"order": "abc"}, {"order": "0"}, {"order": [str(i) for i in range(1, 102)]}])
def test_bad_ids_are_a_validation_error_with_field_details(make_client, counter, query):
    response = make_client(counter[0]).get(URL, query)
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "validation_error"
    assert "order" in body["error"]["details"]


def test_no_ids_no_queries_beyond_auth(make_client, counter, django_assert_max_num_queries):
    client = make_client(counter[0])
    with django_assert_max_num_queries(1):  # the token (with its user)
        response = client.get(URL)
    assert response.json() == {"results": []}


def test_the_number_of_queries_does_not_grow_with_the_number_of_orders(make_client, counter, django_assert_num_queries):
    vendor, lunch, dosa = counter
    orders = [place_order(lunch, {dosa: 1}) for _ in range(12)]
    for order in orders:
        captured_payment(order=order, refunded_paise=6000)
    client = make_client(vendor)
    with django_assert_num_queries(3):  # the token (with its user), the payments, their refunds
        response = client.get(URL, {"order": [o.pk for o in orders]})
    assert len(response.json()["results"]) == 12


def test_the_openapi_schema_describes_the_endpoint_without_warnings():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=dashboard_api_urls.urlpatterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular warned about the dashboard API"
    operation = schema["paths"]["/dashboard/payment-states"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"order", "print_job"}
    assert "PaymentStateList" in schema["components"]["schemas"]
