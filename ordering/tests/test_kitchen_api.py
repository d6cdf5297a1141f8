"""Issue 20 (kitchen), over HTTP: POST /orders/complete-by-code, POST /orders/{id}/delay, estimated_ready_at."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import FoodVendorFactory, StudentFactory
from ordering import services
from ordering.models import Order, Slot

from .factories import SlotFactory, accepted_order, paid_order, ready_order

pytestmark = pytest.mark.django_db
S = Order.Status
BY_CODE = "/api/v1/orders/complete-by-code"


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


class TestCompleteByCode:
    def test_answers_the_order(self, make_client):
        order = ready_order()
        response = make_client(order.vendor).post(BY_CODE, {"pickup_code": order.pickup_code}, format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["id"], body["status"]) == (order.pk, "completed")
        assert body["pickup_code"] is None  # the code goes to the student only
        assert Order.objects.get(pk=order.pk).status == S.COMPLETED

    def test_unclaimed_order(self, make_client):
        order = ready_order()
        ends = timezone.now() - timedelta(hours=1)
        Slot.objects.filter(pk=order.slot_id).update(starts_at=ends - timedelta(minutes=30), ends_at=ends)
        services.order_mark_unclaimed_due()
        assert make_client(order.student).get(f"/api/v1/orders/{order.pk}").json()["status"] == "unclaimed"
        response = make_client(order.vendor).post(BY_CODE, {"pickup_code": order.pickup_code}, format="json")
        assert response.status_code == 200 and response.json()["status"] == "completed"

    def test_another_vendor_with_the_right_code_gets_400(self, make_client):
        order = ready_order()
        other = SlotFactory().vendor
        response = make_client(other).post(BY_CODE, {"pickup_code": order.pickup_code}, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_pickup_code"
        assert Order.objects.get(pk=order.pk).status == S.READY

    def test_no_such_code_is_400(self, make_client):
        order = ready_order()
        response = make_client(order.vendor).post(BY_CODE, {"pickup_code": _wrong(order.pickup_code)}, format="json")
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_pickup_code"

    def test_missing_code_is_a_validation_error(self, make_client):
        response = make_client(ready_order().vendor).post(BY_CODE, {}, format="json")
        assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"

    def test_guessing_is_limited(self, make_client, settings):
        settings.PICKUP_COUNTER_MAX_MISSES = 2
        order = ready_order()
        client = make_client(order.vendor)
        for _ in range(2):
            assert client.post(BY_CODE, {"pickup_code": _wrong(order.pickup_code)}, format="json").status_code == 400
        response = client.post(BY_CODE, {"pickup_code": order.pickup_code}, format="json")
        assert response.status_code == 429 and response["Retry-After"] == str(settings.PICKUP_CODE_LOCKOUT_SECONDS)
        assert Order.objects.get(pk=order.pk).status == S.READY

    def test_students_may_not(self, make_client):
        order = ready_order()
        response = make_client(order.student).post(BY_CODE, {"pickup_code": order.pickup_code}, format="json")
        assert response.status_code == 403
        assert Order.objects.get(pk=order.pk).status == S.READY


class TestDelay:
    def test_vendor_delays_its_accepted_order(self, make_client):
        order = accepted_order()
        before = make_client(order.student).get(f"/api/v1/orders/{order.pk}").json()["estimated_ready_at"]
        response = make_client(order.vendor).post(f"/api/v1/orders/{order.pk}/delay", {"minutes": 15}, format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["delay_minutes"] == 15
        fresh = Order.objects.get(pk=order.pk)
        assert fresh.estimated_ready_at == Slot.objects.get(pk=order.slot_id).starts_at + timedelta(minutes=15)
        assert body["estimated_ready_at"] != before

    def test_another_vendors_order_is_404(self, make_client):
        order = accepted_order()
        response = make_client(FoodVendorFactory()).post(
            f"/api/v1/orders/{order.pk}/delay", {"minutes": 15}, format="json"
        )
        assert response.status_code == 404
        assert Order.objects.get(pk=order.pk).delay_minutes == 0

    @pytest.mark.parametrize("minutes", [4, 121, "soon", None])
    def test_minutes_out_of_range_is_400(self, make_client, minutes):
        order = accepted_order()
        response = make_client(order.vendor).post(
            f"/api/v1/orders/{order.pk}/delay", {"minutes": minutes}, format="json"
        )
        assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"
        assert Order.objects.get(pk=order.pk).delay_minutes == 0

    def test_ready_order_is_409(self, make_client):
        order = ready_order()
        response = make_client(order.vendor).post(f"/api/v1/orders/{order.pk}/delay", {"minutes": 5}, format="json")
        assert response.status_code == 409

    def test_student_may_not(self, make_client):
        order = accepted_order()
        response = make_client(order.student).post(f"/api/v1/orders/{order.pk}/delay", {"minutes": 5}, format="json")
        assert response.status_code == 403


class TestEstimate:
    def test_every_order_has_one(self, make_client):
        order = paid_order()
        body = make_client(order.student).get(f"/api/v1/orders/{order.pk}").json()
        slot = Slot.objects.get(pk=order.slot_id)
        assert body["estimated_ready_at"] == body["slot"]["starts_at"]
        assert body["estimated_ready_at"].startswith(timezone.localtime(slot.starts_at).strftime("%Y-%m-%dT%H:%M"))

    def test_list_answers_it_too(self, make_client):
        student = StudentFactory()
        accepted_order(student=student)
        (row,) = make_client(student).get("/api/v1/orders").json()["results"]
        assert row["estimated_ready_at"]
