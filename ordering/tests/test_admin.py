import pytest

from ordering import services

from .factories import _Payment, place_order

pytestmark = pytest.mark.django_db


def test_order_page_shows_items_and_events_but_not_the_pickup_code(admin_client):
    # The event trail names the payment by its id, so the order is marked paid by payment #1 itself.
    order = services.order_mark_paid(order_id=place_order().pk, payment=_Payment(pk=1))
    response = admin_client.get(f"/admin/ordering/order/{order.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert order.items.get().name in html
    assert "Payment #1 captured." in html  # the event trail inline
    assert order.pickup_code not in html


@pytest.mark.parametrize("search", ["id", "phone"])
def test_search_by_id_and_phone(admin_client, search):
    wanted = place_order()
    other = place_order()
    term = f"#{wanted.pk}" if search == "id" else wanted.student.phone
    html = admin_client.get("/admin/ordering/order/", {"q": term}).content.decode()
    assert f"/admin/ordering/order/{wanted.pk}/change/" in html
    assert f"/admin/ordering/order/{other.pk}/change/" not in html


def test_a_bare_number_finds_the_order_with_that_id(admin_client):
    wanted = place_order()
    html = admin_client.get("/admin/ordering/order/", {"q": str(wanted.pk)}).content.decode()
    assert f"/admin/ordering/order/{wanted.pk}/change/" in html


def test_filters_by_vendor_status_and_slot_date(admin_client):
    order = place_order()
    response = admin_client.get(
        "/admin/ordering/order/",
        {
            "status__exact": "pending_payment",
            "vendor_shop": order.vendor_id,
            "slot__starts_at__gte": "2000-01-01 00:00:00+05:30",
        },
    )
    assert response.status_code == 200
    assert f"/admin/ordering/order/{order.pk}/change/" in response.content.decode()


def test_slot_admin_lists_slots(admin_client):
    order = place_order()
    assert admin_client.get("/admin/ordering/slot/").status_code == 200
    assert admin_client.get(f"/admin/ordering/slot/{order.slot_id}/change/").status_code == 200
