"""Slots of one vendor never overlap: 409 slot_overlaps on create and update; deleted slots don't count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import FoodVendorFactory
from ordering import services
from ordering.errors import SlotOverlaps
from ordering.models import Slot

from .factories import ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendor():
    vendor = FoodVendorFactory()
    ShopFactory(vendor=vendor)
    return vendor


def _at(minutes: int):
    return (timezone.now() + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(
        minutes=minutes
    )


def _create(vendor, start: int, end: int) -> Slot:
    return services.slot_create(vendor=vendor, starts_at=_at(start), ends_at=_at(end), capacity=10)


def test_an_overlapping_slot_is_refused_and_back_to_back_is_fine(vendor):
    _create(vendor, 0, 30)
    with pytest.raises(SlotOverlaps):
        _create(vendor, 0, 30)
    with pytest.raises(SlotOverlaps):
        _create(vendor, 15, 45)
    with pytest.raises(SlotOverlaps):
        _create(vendor, -10, 60)
    _create(vendor, 30, 60)
    _create(vendor, -30, 0)
    assert Slot.objects.filter(vendor=vendor).count() == 3


def test_another_vendors_slot_at_the_same_time_is_fine(vendor):
    other = FoodVendorFactory()
    ShopFactory(vendor=other)
    _create(vendor, 0, 30)
    _create(other, 0, 30)


def test_a_deleted_slot_does_not_count(vendor):
    slot = _create(vendor, 0, 30)
    services.slot_delete(slot_id=slot.pk, vendor=vendor)
    _create(vendor, 0, 30)


def test_moving_a_slot_onto_another_is_refused_and_changes_nothing(vendor):
    _create(vendor, 0, 30)
    later = _create(vendor, 60, 90)
    with pytest.raises(SlotOverlaps):
        services.slot_update(slot_id=later.pk, vendor=vendor, data={"starts_at": _at(20)})
    later.refresh_from_db()
    assert later.starts_at == _at(60)
    services.slot_update(slot_id=later.pk, vendor=vendor, data={"starts_at": _at(30), "ends_at": _at(50)})


def test_the_api_answers_409_slot_overlaps(vendor, make_client):
    client = make_client(vendor)
    body = {"starts_at": _at(0).isoformat(), "ends_at": _at(30).isoformat(), "capacity": 5}
    assert client.post("/api/v1/slots", body, format="json").status_code == 201
    clash = client.post(
        "/api/v1/slots", {**body, "starts_at": _at(10).isoformat(), "ends_at": _at(40).isoformat()}, format="json"
    )
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "slot_overlaps"
    other = client.post(
        "/api/v1/slots", {**body, "starts_at": _at(60).isoformat(), "ends_at": _at(90).isoformat()}, format="json"
    ).json()
    moved = client.patch(f"/api/v1/slots/{other['id']}", {"starts_at": _at(20).isoformat()}, format="json")
    assert moved.status_code == 409 and moved.json()["error"]["code"] == "slot_overlaps"
    assert Slot.objects.filter(vendor=vendor).count() == 2
