from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import IdempotencyKey
from accounts.tests.factories import (
    FoodVendorFactory,
    StaffFactory,
    StationeryVendorFactory,
    StudentFactory,
)
from ordering import services
from ordering.models import Order, OrderEvent, Slot

from .factories import (
    MenuItemFactory,
    ShopFactory,
    SlotFactory,
    _Payment,
    accepted_order,
    paid_order,
    place_order,
    ready_order,
)

pytestmark = pytest.mark.django_db
S = Order.Status


def _body(slot, *items, quantity=1, **extra):
    return {
        "vendor": slot.vendor_id,
        "slot": slot.pk,
        "items": [{"menu_item": item.pk, "quantity": quantity} for item in items],
        **extra,
    }


def _wrong(code):
    return "000000" if code != "000000" else "111111"


# --- placing ------------------------------------------------------------------------------


class TestPlaceOrder:
    def test_student_places_an_order_in_the_documented_shape(self, make_client):
        slot = SlotFactory()
        item = MenuItemFactory(vendor=slot.vendor, name="Idli", price_paise=3000)
        student = StudentFactory()

        response = make_client(student).post(
            "/api/v1/orders", _body(slot, item, quantity=2, note="No chutney"), format="json"
        )

        assert response.status_code == 201, response.json()
        body = response.json()
        assert {
            "id",
            "status",
            "vendor",
            "student",
            "slot",
            "items",
            "total_paise",
            "pickup_code",
            "payment_due_by",
            "created_at",
            "updated_at",
        } <= set(body)
        assert body["status"] == "pending_payment"
        assert (body["vendor"], body["student"], body["total_paise"]) == (slot.vendor_id, student.pk, 6000)
        assert set(body["slot"]) == {"id", "starts_at", "ends_at"} and body["slot"]["id"] == slot.pk
        assert body["items"] == [
            {
                "menu_item": item.pk,
                "name": "Idli",
                "unit_price_paise": 3000,
                "quantity": 2,
                "line_total_paise": 6000,
                "options": [],
            }
        ]
        assert body["pickup_code"] is None
        assert body["note"] == "No chutney"
        assert body["slot"]["starts_at"].endswith("+05:30")

    def test_prices_and_totals_from_the_client_are_ignored(self, make_client):
        slot = SlotFactory()
        item = MenuItemFactory(vendor=slot.vendor, price_paise=5000)
        body = _body(slot, item, quantity=2, total_paise=1, amount_paise=1, student=999, status="paid")
        body["items"][0].update(unit_price_paise=1, line_total_paise=1, price_paise=1, name="Free food")

        response = make_client(StudentFactory()).post("/api/v1/orders", body, format="json")

        assert response.status_code == 201
        order = Order.objects.get()
        assert order.total_paise == 10000 and order.status == S.PENDING_PAYMENT
        assert order.items.get().unit_price_paise == 5000 and order.items.get().name == item.name
        assert response.json()["total_paise"] == 10000

        # Changing the menu afterwards leaves the order alone.
        item.price_paise = 100
        item.save()
        detail = make_client(order.student).get(f"/api/v1/orders/{order.pk}").json()
        assert detail["total_paise"] == 10000 and detail["items"][0]["unit_price_paise"] == 5000

    @pytest.mark.parametrize(
        ("mutate", "field"),
        [
            (lambda b: b.update(items=[]), "items"),
            (lambda b: b["items"].append(dict(b["items"][0])), "items"),
            (lambda b: b["items"][0].update(quantity=21), "items"),
            (lambda b: b["items"][0].update(quantity=0), "items"),
            (lambda b: b["items"][0].update(quantity="two"), "items"),
            (lambda b: b.pop("slot"), "slot"),
            (lambda b: b.update(vendor="x"), "vendor"),
            (lambda b: b.update(items="nope"), "items"),
            (lambda b: b.update(note="n" * 301), "note"),
            (lambda b: b.update(slot=99999999), "slot"),
            (lambda b: b.update(vendor=99999999), "vendor"),
        ],
    )
    def test_bad_input_is_400_validation_error_with_field_details(self, make_client, mutate, field):
        slot = SlotFactory()
        body = _body(slot, MenuItemFactory(vendor=slot.vendor))
        mutate(body)

        response = make_client(StudentFactory()).post("/api/v1/orders", body, format="json")

        assert response.status_code == 400, response.json()
        assert response.json()["error"]["code"] == "validation_error"
        assert field in response.json()["error"]["details"]
        assert Slot.objects.get(pk=slot.pk).reserved == 0

    def test_more_than_thirty_lines_is_400(self, make_client):
        slot = SlotFactory()
        items = [MenuItemFactory(vendor=slot.vendor) for _ in range(31)]
        response = make_client(StudentFactory()).post("/api/v1/orders", _body(slot, *items), format="json")
        assert response.status_code == 400 and "items" in response.json()["error"]["details"]

    def test_refusals_have_their_codes(self, make_client, settings):
        settings.ORDER_CUTOFF_MINUTES = 10
        client = make_client(StudentFactory())

        full = SlotFactory(capacity=1)
        item = MenuItemFactory(vendor=full.vendor)
        assert client.post("/api/v1/orders", _body(full, item), format="json").status_code == 201
        response = client.post("/api/v1/orders", _body(full, item), format="json")
        assert (response.status_code, response.json()["error"]["code"]) == (409, "slot_full")

        soon = SlotFactory(starts_at=timezone.now() + timedelta(minutes=5))
        response = client.post("/api/v1/orders", _body(soon, MenuItemFactory(vendor=soon.vendor)), format="json")
        assert (response.status_code, response.json()["error"]["code"]) == (409, "slot_closed")

        closed = SlotFactory()
        closed_item = MenuItemFactory(vendor=closed.vendor)
        closed.vendor.shop.is_open = False
        closed.vendor.shop.save()
        response = client.post("/api/v1/orders", _body(closed, closed_item), format="json")
        assert (response.status_code, response.json()["error"]["code"]) == (409, "shop_closed")

        slot = SlotFactory()
        off = MenuItemFactory(vendor=slot.vendor, is_available=False)
        response = client.post("/api/v1/orders", _body(slot, off), format="json")
        assert (response.status_code, response.json()["error"]["code"]) == (409, "item_unavailable")
        assert response.json()["error"]["details"] == {"items": [off.pk]}

        foreign = MenuItemFactory()
        response = client.post("/api/v1/orders", _body(slot, foreign), format="json")
        assert (response.status_code, response.json()["error"]["code"]) == (400, "validation_error")

        assert Order.objects.count() == 1
        assert Slot.objects.get(pk=slot.pk).reserved == 0

    @pytest.mark.parametrize("who", ["vendor", "staff", "anonymous"])
    def test_only_students_place_orders(self, make_client, api_client, who):
        slot = SlotFactory()
        body = _body(slot, MenuItemFactory(vendor=slot.vendor))
        client = {
            "vendor": lambda: make_client(slot.vendor),
            "staff": lambda: make_client(StaffFactory()),
            "anonymous": lambda: api_client,
        }[who]()
        response = client.post("/api/v1/orders", body, format="json")
        assert response.status_code == (401 if who == "anonymous" else 403)
        assert not Order.objects.exists()


class TestIdempotentPlacing:
    def test_same_key_same_body_replays_the_first_order(self, make_client):
        slot = SlotFactory()
        body = _body(slot, MenuItemFactory(vendor=slot.vendor))
        client = make_client(StudentFactory())

        first = client.post("/api/v1/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        again = client.post("/api/v1/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"
        assert Order.objects.count() == 1
        assert Slot.objects.get(pk=slot.pk).reserved == 1
        assert IdempotencyKey.objects.get().state == IdempotencyKey.State.DONE

    def test_same_key_other_body_is_409(self, make_client):
        slot = SlotFactory()
        item = MenuItemFactory(vendor=slot.vendor)
        client = make_client(StudentFactory())
        client.post("/api/v1/orders", _body(slot, item), format="json", HTTP_IDEMPOTENCY_KEY="k-2")

        response = client.post(
            "/api/v1/orders", _body(slot, item, quantity=3), format="json", HTTP_IDEMPOTENCY_KEY="k-2"
        )

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_conflict"
        assert Order.objects.count() == 1
        assert Slot.objects.get(pk=slot.pk).reserved == 1

    def test_keys_belong_to_one_user(self, make_client):
        slot = SlotFactory()
        body = _body(slot, MenuItemFactory(vendor=slot.vendor))
        make_client(StudentFactory()).post("/api/v1/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
        response = make_client(StudentFactory()).post(
            "/api/v1/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="shared"
        )
        assert response.status_code == 201
        assert Order.objects.count() == 2

    def test_a_refusal_is_not_stored_so_a_retry_runs_again(self, make_client):
        slot = SlotFactory(capacity=1)
        item = MenuItemFactory(vendor=slot.vendor)
        blocker = place_order(slot=slot)
        client = make_client(StudentFactory())

        refused = client.post("/api/v1/orders", _body(slot, item), format="json", HTTP_IDEMPOTENCY_KEY="retry")
        assert refused.json()["error"]["code"] == "slot_full"
        assert not IdempotencyKey.objects.exists()

        services.order_cancel(order_id=blocker.pk, student=blocker.student)
        retried = client.post("/api/v1/orders", _body(slot, item), format="json", HTTP_IDEMPOTENCY_KEY="retry")
        assert retried.status_code == 201

    def test_key_longer_than_255_is_400(self, make_client):
        slot = SlotFactory()
        response = make_client(StudentFactory()).post(
            "/api/v1/orders",
            _body(slot, MenuItemFactory(vendor=slot.vendor)),
            format="json",
            HTTP_IDEMPOTENCY_KEY="k" * 256,
        )
        assert response.status_code == 400
        assert "Idempotency-Key" in response.json()["error"]["details"]
        assert not Order.objects.exists()


# --- reading ---------------------------------------------------------------------------------


class TestScoping:
    def test_student_sees_only_own_orders(self, make_client):
        mine = place_order()
        theirs = place_order()
        client = make_client(mine.student)

        listed = client.get("/api/v1/orders").json()
        assert [o["id"] for o in listed["results"]] == [mine.pk]
        assert client.get(f"/api/v1/orders/{mine.pk}").status_code == 200
        response = client.get(f"/api/v1/orders/{theirs.pk}")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"

    def test_vendor_sees_only_its_shops_orders(self, make_client):
        mine = place_order()
        theirs = place_order()
        client = make_client(mine.vendor)
        assert [o["id"] for o in client.get("/api/v1/orders").json()["results"]] == [mine.pk]
        assert client.get(f"/api/v1/orders/{theirs.pk}").status_code == 404

    @pytest.mark.parametrize("who", ["staff", "stationery", "unapproved"])
    def test_anyone_else_does_not_find_the_order(self, make_client, who):
        order = place_order()
        user = {
            "staff": StaffFactory,
            "stationery": StationeryVendorFactory,
            "unapproved": lambda: FoodVendorFactory(is_approved=False),
        }[who]()
        client = make_client(user)
        response = client.get(f"/api/v1/orders/{order.pk}")
        assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
        if who != "unapproved":
            assert client.get("/api/v1/orders").json()["results"] == []

    def test_unapproved_vendor_is_told_so(self, make_client):
        vendor = FoodVendorFactory(is_approved=False)
        response = make_client(vendor).get("/api/v1/orders")
        assert (response.status_code, response.json()["error"]["code"]) == (403, "vendor_not_approved")

    def test_anonymous_is_401(self, api_client):
        assert api_client.get("/api/v1/orders").status_code == 401

    @pytest.mark.parametrize("action", ["accept", "reject", "ready", "complete"])
    def test_another_vendor_cannot_act_on_the_order(self, make_client, action):
        order = {"accept": paid_order, "reject": paid_order, "ready": accepted_order, "complete": ready_order}[action]()
        before = (order.status, order.events.count(), order.updated_at)
        stranger = ShopFactory().vendor

        response = make_client(stranger).post(
            f"/api/v1/orders/{order.pk}/{action}",
            {"reason": "mine now", "pickup_code": order.pickup_code},
            format="json",
        )

        assert response.status_code == 404
        order.refresh_from_db()
        assert (order.status, order.events.count(), order.updated_at) == before

    def test_another_student_cannot_cancel(self, make_client):
        order = place_order()
        response = make_client(StudentFactory()).post(f"/api/v1/orders/{order.pk}/cancel")
        assert response.status_code == 404
        order.refresh_from_db()
        assert order.status == S.PENDING_PAYMENT

    def test_stationery_vendor_cannot_act_on_orders(self, make_client):
        order = paid_order()
        response = make_client(StationeryVendorFactory()).post(f"/api/v1/orders/{order.pk}/accept")
        assert (response.status_code, response.json()["error"]["code"]) == (403, "wrong_vendor_type")

    def test_students_cannot_act_as_vendor(self, make_client):
        order = paid_order()
        response = make_client(order.student).post(f"/api/v1/orders/{order.pk}/accept")
        assert response.status_code == 403
        order.refresh_from_db()
        assert order.status == S.PAID

    def test_pay_is_not_routed_here(self):
        from django.urls import Resolver404, resolve

        from ordering import urls

        with pytest.raises(Resolver404):
            resolve("/orders/1/pay", urlconf=urls)


class TestPickupCodeVisibility:
    def test_student_sees_the_code_once_paid(self, make_client):
        order = place_order()
        client = make_client(order.student)
        assert client.get(f"/api/v1/orders/{order.pk}").json()["pickup_code"] is None
        order = services.order_mark_paid(order_id=order.pk, payment=_Payment())
        assert client.get(f"/api/v1/orders/{order.pk}").json()["pickup_code"] == order.pickup_code
        assert client.get("/api/v1/orders").json()["results"][0]["pickup_code"] == order.pickup_code

    def test_vendor_never_sees_the_code(self, make_client):
        order = ready_order()
        client = make_client(order.vendor)
        assert client.get(f"/api/v1/orders/{order.pk}").json()["pickup_code"] is None
        assert client.get("/api/v1/orders").json()["results"][0]["pickup_code"] is None
        assert order.pickup_code not in client.get(f"/api/v1/orders/{order.pk}").content.decode()

    def test_transition_answers_hide_the_code_from_the_vendor(self, make_client):
        order = paid_order()
        body = make_client(order.vendor).post(f"/api/v1/orders/{order.pk}/accept").json()
        assert body["status"] == "accepted" and body["pickup_code"] is None


class TestTransitionsApi:
    def test_full_lifecycle(self, make_client):
        order = paid_order()
        vendor = make_client(order.vendor)
        assert vendor.post(f"/api/v1/orders/{order.pk}/accept").json()["status"] == "accepted"
        assert vendor.post(f"/api/v1/orders/{order.pk}/ready").json()["status"] == "ready"
        response = vendor.post(f"/api/v1/orders/{order.pk}/complete", {"pickup_code": order.pickup_code}, format="json")
        assert response.status_code == 200 and response.json()["status"] == "completed"

    def test_student_cancels_before_accept(self, make_client):
        order = paid_order()
        response = make_client(order.student).post(
            f"/api/v1/orders/{order.pk}/cancel", {"reason": "Late"}, format="json"
        )
        assert response.status_code == 200 and response.json()["status"] == "cancelled"
        assert Slot.objects.get(pk=order.slot_id).reserved == 0

    def test_reject_needs_a_reason(self, make_client):
        order = paid_order()
        client = make_client(order.vendor)
        response = client.post(f"/api/v1/orders/{order.pk}/reject", {}, format="json")
        assert response.status_code == 400 and "reason" in response.json()["error"]["details"]
        response = client.post(f"/api/v1/orders/{order.pk}/reject", {"reason": "   "}, format="json")
        assert response.status_code == 400
        order.refresh_from_db()
        assert order.status == S.PAID
        response = client.post(f"/api/v1/orders/{order.pk}/reject", {"reason": "Out of rice"}, format="json")
        assert response.json()["status"] == "rejected" and response.json()["reason"] == "Out of rice"

    @pytest.mark.parametrize(
        ("make", "who", "action"),
        [
            (paid_order, "vendor", "complete"),
            (place_order, "vendor", "accept"),
            (accepted_order, "student", "cancel"),
            (place_order, "vendor", "ready"),
            (ready_order, "vendor", "reject"),
            (place_order, "vendor", "reject"),
        ],
    )
    def test_illegal_transitions_are_409_and_write_nothing(self, make_client, make, who, action):
        order = make()
        before = (order.status, OrderEvent.objects.count(), Slot.objects.get(pk=order.slot_id).reserved)
        client = make_client(order.vendor if who == "vendor" else order.student)

        response = client.post(
            f"/api/v1/orders/{order.pk}/{action}",
            {"reason": "x", "pickup_code": order.pickup_code or "123456"},
            format="json",
        )

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "invalid_transition"
        order.refresh_from_db()
        assert (order.status, OrderEvent.objects.count(), Slot.objects.get(pk=order.slot_id).reserved) == before

    @pytest.mark.parametrize(
        ("language", "message"),
        [
            ("en", "An order that is waiting for payment cannot become accepted."),
            ("hi", "जिस ऑर्डर की स्थिति “भुगतान का इंतज़ार” है, वह “स्वीकार किया” नहीं हो सकता।"),
        ],
    )
    def test_an_illegal_transition_is_refused_in_the_callers_language(self, make_client, language, message):
        order = place_order()

        response = make_client(order.vendor).post(
            f"/api/v1/orders/{order.pk}/accept", format="json", HTTP_ACCEPT_LANGUAGE=language
        )

        assert response.status_code == 409
        assert response.json()["error"]["message"] == message

    @pytest.mark.parametrize("code", ["wrong", "12345", ""])
    def test_wrong_pickup_code(self, make_client, code):
        order = ready_order()
        code = code if code != "wrong" else _wrong(order.pickup_code)
        response = make_client(order.vendor).post(
            f"/api/v1/orders/{order.pk}/complete", {"pickup_code": code}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == ("validation_error" if code == "" else "invalid_pickup_code")
        order.refresh_from_db()
        assert order.status == S.READY

    def test_guessing_the_code_is_rate_limited(self, make_client):
        order = ready_order()
        client = make_client(order.vendor)
        url = f"/api/v1/orders/{order.pk}/complete"
        for _ in range(settings.PICKUP_CODE_MAX_ATTEMPTS):
            assert client.post(url, {"pickup_code": _wrong(order.pickup_code)}, format="json").status_code == 400
        response = client.post(url, {"pickup_code": order.pickup_code}, format="json")
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "rate_limited"
        assert int(response["Retry-After"]) > 0
        order.refresh_from_db()
        assert order.status == S.READY


class TestVendorFiltersAndQueries:
    def test_filters_by_status_slot_and_date(self, make_client):
        vendor = ShopFactory().vendor
        today = SlotFactory(vendor=vendor)
        tomorrow = SlotFactory(vendor=vendor, starts_at=timezone.now() + timedelta(days=2, hours=2))  # past any default slot (now + 7.5 h at most)
        waiting = place_order(slot=today)
        paid = paid_order(slot=today)
        later = place_order(slot=tomorrow)
        client = make_client(vendor)

        def ids(query):
            response = client.get(f"/api/v1/orders?{query}")
            assert response.status_code == 200, response.json()
            return {o["id"] for o in response.json()["results"]}

        assert ids("status=paid") == {paid.pk}
        assert ids("status=pending_payment") == {waiting.pk, later.pk}
        assert ids(f"slot={tomorrow.pk}") == {later.pk}
        local_day = timezone.localtime(tomorrow.starts_at).date().isoformat()
        assert ids(f"date={local_day}") == {later.pk}
        assert ids(f"slot={today.pk}&status=pending_payment") == {waiting.pk}

    @pytest.mark.parametrize("query", ["status=eaten", "slot=abc", "date=31-12-2025"])
    def test_bad_filters_are_400(self, make_client, query):
        response = make_client(ShopFactory().vendor).get(f"/api/v1/orders?{query}")
        assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"

    def _orders_with_items(self, vendor, count):
        slot = SlotFactory(vendor=vendor, capacity=100)
        items = [MenuItemFactory(vendor=vendor) for _ in range(5)]
        for _ in range(count):
            place_order(slot=slot, items=items)

    def test_vendor_list_query_count_does_not_grow(self, make_client, django_assert_num_queries):
        one_vendor = ShopFactory().vendor
        many_vendor = ShopFactory().vendor
        self._orders_with_items(one_vendor, 1)
        self._orders_with_items(many_vendor, 50)
        one, many = make_client(one_vendor), make_client(many_vendor)
        for client in (one, many):  # every measurement with the token in the cache (accounts/token_cache.py)
            assert client.get("/api/v1/me").status_code == 200

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as small:
            first = one.get("/api/v1/orders?page_size=100")
        with CaptureQueriesContext(connection) as large:
            second = many.get("/api/v1/orders?page_size=100")
        assert len(first.json()["results"]) == 1
        assert len(second.json()["results"]) == 50
        assert all(len(o["items"]) == 5 for o in second.json()["results"])
        assert len(large.captured_queries) == len(small.captured_queries)
        with django_assert_num_queries(len(small.captured_queries)):
            many.get("/api/v1/orders?page_size=100")

    def test_student_list_query_count_is_bounded(self, make_client, django_assert_max_num_queries, settings):
        settings.MAX_UNPAID_ORDERS = 10
        student = StudentFactory()
        for _ in range(10):
            place_order(student=student, items=None)
        client = make_client(student)
        with django_assert_max_num_queries(6):
            assert len(client.get("/api/v1/orders").json()["results"]) == 10


# --- slots ------------------------------------------------------------------------------------


def _slot_body(**extra):
    start = timezone.now() + timedelta(hours=3)
    return {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=30)).isoformat(),
        "capacity": 8,
        **extra,
    }


class TestSlotsApi:
    def test_public_list_shows_upcoming_active_slots_with_remaining(self, api_client):
        slot = SlotFactory(capacity=3)
        place_order(slot=slot)
        SlotFactory(vendor=slot.vendor, is_active=False)
        past = SlotFactory(vendor=slot.vendor)
        Slot.objects.filter(pk=past.pk).update(
            starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
        )
        hidden = SlotFactory(vendor=FoodVendorFactory(is_approved=False))

        results = api_client.get("/api/v1/slots").json()["results"]

        assert [s["id"] for s in results] == [slot.pk]
        assert results[0] == {
            "id": slot.pk,
            "vendor": slot.vendor_id,
            "starts_at": results[0]["starts_at"],
            "ends_at": results[0]["ends_at"],
            "capacity": 3,
            "reserved": 1,
            "remaining": 2,
            "capacity_units": None,
            "reserved_units": 1,
            "remaining_units": None,
            "is_active": True,
            "schedule": None,
        }
        past_ids = {s["id"] for s in api_client.get("/api/v1/slots?upcoming=false").json()["results"]}
        assert past.pk in past_ids and hidden.pk not in past_ids

    def test_filter_by_vendor(self, api_client):
        a = SlotFactory()
        SlotFactory()
        assert [s["id"] for s in api_client.get(f"/api/v1/slots?vendor={a.vendor_id}").json()["results"]] == [a.pk]
        assert api_client.get("/api/v1/slots?vendor=abc").status_code == 400

    def test_owner_also_sees_its_inactive_slots(self, make_client):
        slot = SlotFactory(is_active=False)
        assert [s["id"] for s in make_client(slot.vendor).get("/api/v1/slots").json()["results"]] == [slot.pk]
        assert make_client(StudentFactory()).get(f"/api/v1/slots/{slot.pk}").status_code == 404

    def test_vendor_slots_lists_open_slots_only(self, api_client, settings):
        settings.ORDER_CUTOFF_MINUTES = 10
        open_slot = SlotFactory(capacity=1)
        place_order(slot=open_slot)  # full, still listed with remaining 0
        SlotFactory(vendor=open_slot.vendor, starts_at=timezone.now() + timedelta(minutes=5))
        SlotFactory(vendor=open_slot.vendor, is_active=False)
        SlotFactory()  # another vendor

        response = api_client.get(f"/api/v1/vendors/{open_slot.vendor_id}/slots")

        assert response.status_code == 200
        results = response.json()["results"]
        assert [(s["id"], s["remaining"]) for s in results] == [(open_slot.pk, 0)]

    @pytest.mark.parametrize("vendor", ["unknown", "unapproved", "stationery"])
    def test_vendor_slots_of_an_invisible_vendor_is_404(self, api_client, vendor):
        vendor_id = {
            "unknown": lambda: 99999999,
            "unapproved": lambda: FoodVendorFactory(is_approved=False).pk,
            "stationery": lambda: StationeryVendorFactory().pk,
        }[vendor]()
        response = api_client.get(f"/api/v1/vendors/{vendor_id}/slots")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"

    def test_food_vendor_creates_updates_and_deletes_its_slot(self, make_client):
        vendor = ShopFactory().vendor
        client = make_client(vendor)

        created = client.post("/api/v1/slots", _slot_body(), format="json")
        assert created.status_code == 201, created.json()
        slot_id = created.json()["id"]
        assert created.json()["vendor"] == vendor.pk and created.json()["remaining"] == 8

        patched = client.patch(f"/api/v1/slots/{slot_id}", {"capacity": 12, "is_active": False}, format="json")
        assert patched.status_code == 200 and patched.json()["capacity"] == 12 and patched.json()["is_active"] is False

        assert client.delete(f"/api/v1/slots/{slot_id}").status_code == 204
        assert not Slot.objects.filter(pk=slot_id).exists()

    @pytest.mark.parametrize(
        ("extra", "field"),
        [
            ({"capacity": 0}, "capacity"),
            ({"capacity": 1001}, "capacity"),
            ({"ends_at": "2020-01-01T10:00:00+05:30"}, "ends_at"),
            ({"starts_at": "yesterday"}, "starts_at"),
        ],
    )
    def test_create_validation(self, make_client, extra, field):
        response = make_client(ShopFactory().vendor).post("/api/v1/slots", _slot_body(**extra), format="json")
        assert response.status_code == 400 and field in response.json()["error"]["details"]

    def test_capacity_below_reserved_is_400(self, make_client):
        slot = SlotFactory(capacity=4)
        place_order(slot=slot)
        place_order(slot=slot)
        response = make_client(slot.vendor).patch(f"/api/v1/slots/{slot.pk}", {"capacity": 1}, format="json")
        assert response.status_code == 400 and "capacity" in response.json()["error"]["details"]
        assert Slot.objects.get(pk=slot.pk).capacity == 4

    def test_slot_with_live_orders_cannot_be_deleted(self, make_client):
        slot = SlotFactory()
        place_order(slot=slot)
        response = make_client(slot.vendor).delete(f"/api/v1/slots/{slot.pk}")
        assert response.status_code == 409 and response.json()["error"]["code"] == "slot_has_orders"
        assert Slot.objects.filter(pk=slot.pk, is_deleted=False).exists()

    def test_another_vendors_slot_is_404_and_unchanged(self, make_client):
        slot = SlotFactory(capacity=5)
        client = make_client(ShopFactory().vendor)
        assert client.patch(f"/api/v1/slots/{slot.pk}", {"capacity": 50}, format="json").status_code == 404
        assert client.delete(f"/api/v1/slots/{slot.pk}").status_code == 404
        assert client.get(f"/api/v1/slots/{slot.pk}/prep-sheet").status_code == 404
        slot.refresh_from_db()
        assert slot.capacity == 5

    @pytest.mark.parametrize(
        ("who", "status", "code"),
        [
            ("stationery", 403, "wrong_vendor_type"),
            ("student", 403, "permission_denied"),
            ("unapproved", 403, "vendor_not_approved"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    def test_only_approved_food_vendors_write(self, make_client, api_client, who, status, code):
        user = {
            "stationery": StationeryVendorFactory,
            "student": StudentFactory,
            "unapproved": lambda: FoodVendorFactory(is_approved=False),
            "anonymous": lambda: None,
        }[who]()
        client = make_client(user) if user else api_client
        response = client.post("/api/v1/slots", _slot_body(), format="json")
        assert (response.status_code, response.json()["error"]["code"]) == (status, code)
        assert not Slot.objects.exists()

    def test_put_is_not_allowed(self, make_client):
        slot = SlotFactory()
        assert make_client(slot.vendor).put(f"/api/v1/slots/{slot.pk}", _slot_body(), format="json").status_code == 405

    def test_prep_sheet(self, make_client):
        slot = SlotFactory(capacity=20)
        dosa = MenuItemFactory(vendor=slot.vendor, name="Dosa")
        chai = MenuItemFactory(vendor=slot.vendor, name="Chai")
        paid_order(slot=slot, items=[dosa, chai], quantity=2)
        accepted_order(slot=slot, items=[dosa], quantity=3)
        place_order(slot=slot, items=[chai], quantity=9)  # unpaid: not prepared

        response = make_client(slot.vendor).get(f"/api/v1/slots/{slot.pk}/prep-sheet")

        assert response.status_code == 200
        assert response.json()["slot"]["id"] == slot.pk
        assert response.json()["items"] == [
            {"menu_item": chai.pk, "name": "Chai", "options": [], "label": "Chai", "quantity": 2},
            {"menu_item": dosa.pk, "name": "Dosa", "options": [], "label": "Dosa", "quantity": 5},
        ]


class TestSchema:
    def test_schema_lists_the_ordering_endpoints(self, api_client):
        response = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
        assert response.status_code == 200
        paths = response.json()["paths"] if response["Content-Type"].startswith("application/json") else None
        if paths is None:
            import yaml

            paths = yaml.safe_load(response.content)["paths"]
        for path in (
            "/api/v1/orders",
            "/api/v1/orders/{id}",
            "/api/v1/orders/{id}/cancel",
            "/api/v1/orders/{id}/accept",
            "/api/v1/orders/{id}/reject",
            "/api/v1/orders/{id}/ready",
            "/api/v1/orders/{id}/complete",
            "/api/v1/slots",
            "/api/v1/slots/{id}",
            "/api/v1/slots/{id}/prep-sheet",
            "/api/v1/vendors/{vendor_id}/slots",
        ):
            assert path in paths, path
        create = paths["/api/v1/orders"]["post"]
        assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])


# --- abuse limits -----------------------------------------------------------------------------


class TestAbuseLimits:
    def test_a_student_holds_at_most_max_unpaid_orders(self, make_client, settings):
        settings.MAX_UNPAID_ORDERS = 2
        slot = SlotFactory(capacity=50)
        item = MenuItemFactory(vendor=slot.vendor)
        student = StudentFactory()
        client = make_client(student)
        first = client.post("/api/v1/orders", _body(slot, item), format="json")
        assert client.post("/api/v1/orders", _body(slot, item), format="json").status_code == 201
        refused = client.post("/api/v1/orders", _body(slot, item), format="json")
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "too_many_unpaid_orders"
        assert Order.objects.filter(student=student).count() == 2
        slot.refresh_from_db()
        assert slot.reserved == 2
        # Another student is not affected; cancelling one frees a place for this one.
        assert make_client(StudentFactory()).post("/api/v1/orders", _body(slot, item), format="json").status_code == 201
        services.order_cancel(order_id=first.json()["id"], student=student)
        assert client.post("/api/v1/orders", _body(slot, item), format="json").status_code == 201

    def test_paid_orders_do_not_count(self, settings):
        settings.MAX_UNPAID_ORDERS = 1
        slot = SlotFactory(capacity=50)
        student = StudentFactory()
        paid_order(student=student, slot=slot)
        paid_order(student=student, slot=slot)
        place_order(student=student, slot=slot)
        assert Order.objects.filter(student=student).count() == 3

    def test_placing_is_rate_limited_per_student_with_retry_after(self, make_client, settings):
        settings.RATE_LIMIT_ORDERS = "2/m"
        settings.MAX_UNPAID_ORDERS = 10
        slot = SlotFactory(capacity=50)
        item = MenuItemFactory(vendor=slot.vendor)
        client = make_client(StudentFactory())
        for _ in range(2):
            assert client.post("/api/v1/orders", _body(slot, item), format="json").status_code == 201
        limited = client.post("/api/v1/orders", _body(slot, item), format="json")
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(limited["Retry-After"]) <= 60
        assert Order.objects.count() == 2
        # The limit is per student.
        assert make_client(StudentFactory()).post("/api/v1/orders", _body(slot, item), format="json").status_code == 201
