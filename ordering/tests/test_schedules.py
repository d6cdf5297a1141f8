"""Weekly slot schedules, closures and the slots they make (services and API)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from catalog.tests.factories import FoodShopFactory
from core.errors import ValidationFailed
from ordering import services
from ordering.models import Closure, Order, Slot, SlotSchedule

from .factories import SlotFactory, place_order

pytestmark = pytest.mark.django_db


def _a_monday_evening_utc() -> datetime:
    """A Monday 20:00 UTC at least two days ahead: already Tuesday 01:30 on campus (UTC+5:30)."""
    day = (timezone.now() + timedelta(days=2)).astimezone(UTC).date()
    day += timedelta(days=(7 - day.weekday()) % 7)
    return datetime.combine(day, time(20, 0), tzinfo=UTC)


NOW = _a_monday_evening_utc()
TUESDAY = (NOW + timedelta(hours=6)).date()  # the campus date at NOW


def _vendor():
    return FoodShopFactory().vendor


def _schedule(vendor, **fields):
    data = {
        "weekdays": [1],
        "first_start": time(12, 0),
        "last_end": time(13, 0),
        "slot_minutes": 30,
        "capacity": 10,
        **fields,
    }
    return services.slot_schedule_create(vendor=vendor, data=data, now=NOW)


def _campus(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=services.generation.campus_zone())


def _starts(vendor) -> list[datetime]:
    return list(
        Slot.objects.filter(vendor=vendor, is_deleted=False).order_by("starts_at").values_list("starts_at", flat=True)
    )


class TestGeneration:
    def test_slots_on_the_campus_date_when_utc_is_still_the_day_before(self):
        vendor = _vendor()
        assert NOW.weekday() == 0 and TUESDAY.weekday() == 1
        schedule = _schedule(vendor, capacity=8, capacity_units=40)

        # Campus Tuesday 12:00 and 12:30 (06:30 and 07:00 UTC); the next Tuesday is past the 7-day horizon.
        assert _starts(vendor) == [_campus(TUESDAY, 12), _campus(TUESDAY, 12, 30)]
        assert _starts(vendor)[0] == datetime.combine(TUESDAY, time(6, 30), tzinfo=UTC)
        slot = Slot.objects.filter(vendor=vendor).first()
        assert (slot.schedule_id, slot.capacity, slot.capacity_units, slot.ends_at - slot.starts_at) == (
            schedule.pk,
            8,
            40,
            timedelta(minutes=30),
        )

    def test_a_slot_just_after_campus_midnight_belongs_to_the_next_campus_day(self):
        vendor = _vendor()
        _schedule(vendor, weekdays=[2], first_start=time(0, 0), last_end=time(1, 0))
        wednesday = TUESDAY + timedelta(days=1)
        # Wednesday 00:00 on campus is Tuesday 18:30 UTC.
        assert _starts(vendor) == [_campus(wednesday, 0), _campus(wednesday, 0, 30)]
        assert _starts(vendor)[0] == datetime.combine(TUESDAY, time(18, 30), tzinfo=UTC)

    def test_every_weekday_within_the_horizon_and_nothing_already_begun(self):
        vendor = _vendor()
        _schedule(vendor, weekdays=list(range(7)), first_start=time(1, 0), last_end=time(2, 0), slot_minutes=60)
        # Today's 01:00 began half an hour before NOW (01:30 campus): six days remain.
        assert _starts(vendor) == [_campus(TUESDAY + timedelta(days=d), 1) for d in range(1, 7)]

    def test_running_it_again_makes_nothing_twice(self):
        vendor = _vendor()
        _schedule(vendor)
        before = list(Slot.objects.filter(vendor=vendor).values_list("pk", flat=True))
        again = services.slots_generate(vendor_id=vendor.pk, now=NOW)
        assert (again.made, again.removed) == (0, 0)
        assert list(Slot.objects.filter(vendor=vendor).values_list("pk", flat=True)) == before
        assert services.slots_generate_all(now=NOW) == 0
        assert Slot.objects.filter(vendor=vendor).count() == 2

    def test_the_next_night_adds_the_new_day_only(self):
        vendor = _vendor()
        _schedule(vendor, weekdays=[1, 2])
        assert len(_starts(vendor)) == 4  # Tuesday and Wednesday
        # Next Monday night: next Tuesday and Wednesday join; the past ones stay as they were.
        made = services.slots_generate_all(now=NOW + timedelta(days=6))
        assert made == 4
        assert len(_starts(vendor)) == 8
        assert _starts(vendor)[4:6] == [
            _campus(TUESDAY + timedelta(days=7), 12),
            _campus(TUESDAY + timedelta(days=7), 12, 30),
        ]

    def test_changing_a_schedule_moves_its_empty_slots_and_leaves_those_with_orders(self):
        vendor = _vendor()
        schedule = _schedule(vendor)
        with_order = Slot.objects.get(vendor=vendor, starts_at=_campus(TUESDAY, 12))
        order = place_order(slot=with_order)

        services.slot_schedule_update(
            schedule_id=schedule.pk,
            vendor=vendor,
            data={"first_start": time(12, 15), "last_end": time(13, 15), "capacity": 6},
            now=NOW,
        )

        # 12:00 keeps its order; 12:15 would overlap it, so only 12:45 is made; the old 12:30 went.
        assert _starts(vendor) == [_campus(TUESDAY, 12), _campus(TUESDAY, 12, 45)]
        with_order.refresh_from_db()
        assert (with_order.reserved, with_order.capacity, with_order.schedule_id) == (1, 10, schedule.pk)
        assert Order.objects.get(pk=order.pk).slot_id == with_order.pk
        assert Slot.objects.get(starts_at=_campus(TUESDAY, 12, 45)).capacity == 6

    def test_an_empty_slot_follows_its_schedules_capacity_in_place(self):
        vendor = _vendor()
        schedule = _schedule(vendor)
        ids = list(Slot.objects.filter(vendor=vendor).order_by("pk").values_list("pk", flat=True))
        services.slot_schedule_update(
            schedule_id=schedule.pk, vendor=vendor, data={"capacity": 4, "capacity_units": 12}, now=NOW
        )
        assert list(
            Slot.objects.filter(vendor=vendor).order_by("pk").values_list("pk", "capacity", "capacity_units")
        ) == [
            (ids[0], 4, 12),
            (ids[1], 4, 12),
        ]

    def test_deleting_a_schedule_removes_its_empty_slots_and_keeps_the_ones_with_orders(self):
        vendor = _vendor()
        schedule = _schedule(vendor)
        kept = Slot.objects.get(vendor=vendor, starts_at=_campus(TUESDAY, 12, 30))
        place_order(slot=kept)
        services.slot_schedule_delete(schedule_id=schedule.pk, vendor=vendor, now=NOW)
        assert not SlotSchedule.objects.filter(pk=schedule.pk).exists()
        assert _starts(vendor) == [_campus(TUESDAY, 12, 30)]
        kept.refresh_from_db()
        assert kept.schedule_id is None and kept.reserved == 1

    def test_a_closure_removes_that_days_empty_slots_and_stops_generation(self):
        vendor = _vendor()
        _schedule(vendor, weekdays=[1, 2])
        wednesday = TUESDAY + timedelta(days=1)
        busy = Slot.objects.get(vendor=vendor, starts_at=_campus(wednesday, 12))
        place_order(slot=busy)

        closure = services.closure_create(vendor=vendor, day=wednesday, reason="Fest", now=NOW)

        assert _starts(vendor) == [_campus(TUESDAY, 12), _campus(TUESDAY, 12, 30), _campus(wednesday, 12)]
        assert services.slots_generate(vendor_id=vendor.pk, now=NOW).made == 0
        services.closure_delete(closure_id=closure.pk, vendor=vendor, now=NOW)
        assert _starts(vendor)[-2:] == [_campus(wednesday, 12), _campus(wednesday, 12, 30)]

    def test_a_closure_in_the_past_or_twice_is_refused(self):
        vendor = _vendor()
        with pytest.raises(ValidationFailed):
            services.closure_create(vendor=vendor, day=TUESDAY - timedelta(days=1), now=NOW)
        services.closure_create(vendor=vendor, day=TUESDAY, now=NOW)
        with pytest.raises(ValidationFailed):
            services.closure_create(vendor=vendor, day=TUESDAY, now=NOW)
        assert Closure.objects.filter(vendor=vendor).count() == 1

    def test_generation_leaves_a_hand_made_slot_and_its_time_alone(self):
        vendor = _vendor()
        _schedule(vendor)
        next_tuesday = TUESDAY + timedelta(days=7)  # beyond today's horizon: a slot by hand first
        manual = services.slot_create(
            vendor=vendor, starts_at=_campus(next_tuesday, 12), ends_at=_campus(next_tuesday, 12, 20), capacity=3
        )
        services.slots_generate(vendor_id=vendor.pk, now=NOW + timedelta(days=6))
        assert _starts(vendor)[-2:] == [_campus(next_tuesday, 12), _campus(next_tuesday, 12, 30)]
        manual.refresh_from_db()
        assert (manual.schedule_id, manual.capacity, manual.ends_at) == (None, 3, _campus(next_tuesday, 12, 20))

    def test_a_generated_slot_the_vendor_deleted_is_not_made_again(self):
        vendor = _vendor()
        _schedule(vendor)
        gone = Slot.objects.get(vendor=vendor, starts_at=_campus(TUESDAY, 12))
        services.slot_delete(slot_id=gone.pk, vendor=vendor)
        assert services.slots_generate(vendor_id=vendor.pk, now=NOW).made == 0
        assert _starts(vendor) == [_campus(TUESDAY, 12, 30)]

    def test_a_generated_slot_moved_by_hand_becomes_the_vendors_own(self):
        vendor = _vendor()
        _schedule(vendor)
        moved = Slot.objects.get(vendor=vendor, starts_at=_campus(TUESDAY, 12, 30))
        services.slot_update(
            slot_id=moved.pk,
            vendor=vendor,
            data={"starts_at": _campus(TUESDAY, 13, 0), "ends_at": _campus(TUESDAY, 13, 20)},
        )
        moved.refresh_from_db()
        assert moved.schedule_id is None
        # Generation keeps it where the vendor put it and makes the freed 12:30 again.
        services.slots_generate(vendor_id=vendor.pk, now=NOW)
        assert _starts(vendor) == [_campus(TUESDAY, 12), _campus(TUESDAY, 12, 30), _campus(TUESDAY, 13)]

    def test_a_schedule_over_a_hand_made_slot_is_refused_and_nothing_is_written(self):
        vendor = _vendor()
        services.slot_create(
            vendor=vendor, starts_at=_campus(TUESDAY, 12, 10), ends_at=_campus(TUESDAY, 12, 20), capacity=3
        )
        with pytest.raises(ValidationFailed) as refused:
            _schedule(vendor)
        assert "first_start" in refused.value.details
        assert not SlotSchedule.objects.filter(vendor=vendor).exists()
        assert Slot.objects.filter(vendor=vendor).count() == 1

    def test_two_schedules_sharing_a_moment_are_refused(self):
        vendor = _vendor()
        _schedule(vendor, weekdays=[1, 3])
        with pytest.raises(ValidationFailed):
            _schedule(vendor, weekdays=[3], first_start=time(12, 30), last_end=time(14, 0))
        _schedule(vendor, weekdays=[3], first_start=time(13, 0), last_end=time(14, 0))  # touching is fine
        assert SlotSchedule.objects.filter(vendor=vendor).count() == 2

    def test_the_command_runs_the_nightly_generation(self):
        from django.core.management import call_command

        vendor = _vendor()
        SlotSchedule.objects.create(
            vendor=vendor,
            weekdays=list(range(7)),
            first_start=time(23, 0),
            last_end=time(23, 30),
            slot_minutes=30,
            capacity=5,
        )
        call_command("generate_slots")
        assert Slot.objects.filter(vendor=vendor).count() >= 6


# --- the API -----------------------------------------------------------------------------

BODY = {"weekdays": [0, 2], "first_start": "12:00", "last_end": "13:00", "slot_minutes": 30, "capacity": 10}


@pytest.fixture
def vendor_client(make_client):
    vendor = _vendor()
    return vendor, make_client(vendor)


def _slots_ahead(now: datetime) -> int:
    """The slots BODY's schedule makes from `now` to the end of the horizon (today and 6 days)."""
    from django.conf import settings

    today = timezone.localtime(now).date()
    starts = [
        timezone.make_aware(datetime.combine(today + timedelta(days=n), at))
        for n in range(settings.SLOT_HORIZON_DAYS)
        for at in (time(12, 0), time(12, 30))
        if (today + timedelta(days=n)).weekday() in (0, 2)
    ]
    return sum(1 for start in starts if start > now)


class TestScheduleApi:
    def test_the_vendor_adds_a_schedule_and_its_slots_exist(self, vendor_client):
        vendor, client = vendor_client
        before = timezone.now()
        response = client.post("/api/v1/slot-schedules", {**BODY, "capacity_units": 30}, format="json")
        after = timezone.now()
        assert response.status_code == 201, response.content
        body = response.json()
        assert body == {
            "id": body["id"],
            "weekdays": [0, 2],
            "first_start": "12:00",
            "last_end": "13:00",
            "slot_minutes": 30,
            "capacity": 10,
            "capacity_units": 30,
            "is_active": True,
        }
        slots = Slot.objects.filter(vendor=vendor, schedule_id=body["id"])
        # Mondays and Wednesdays at 12:00 and 12:30 campus time, this week from now on: how many
        # depends on the day and the hour the test runs (a slot starting between `before` and
        # `after` may go either way).
        assert _slots_ahead(after) <= slots.count() <= _slots_ahead(before)
        assert slots.count() >= 2 and set(slots.values_list("capacity_units", flat=True)) == {30}
        assert [s["id"] for s in client.get("/api/v1/slot-schedules").json()["results"]] == [body["id"]]
        listed = client.get("/api/v1/slots").json()["results"]
        assert {s["schedule"] for s in listed} == {body["id"]} and listed[0]["remaining_units"] == 30

    def test_patch_and_delete(self, vendor_client):
        vendor, client = vendor_client
        created = client.post("/api/v1/slot-schedules", BODY, format="json").json()
        patched = client.patch(f"/api/v1/slot-schedules/{created['id']}", {"is_active": False}, format="json")
        assert patched.status_code == 200 and patched.json()["is_active"] is False
        assert not Slot.objects.filter(vendor=vendor).exists()
        assert client.delete(f"/api/v1/slot-schedules/{created['id']}").status_code == 204
        assert not SlotSchedule.objects.filter(vendor=vendor).exists()

    def test_another_vendors_schedule_is_not_found_and_unchanged(self, vendor_client, make_client):
        _, client = vendor_client
        created = client.post("/api/v1/slot-schedules", BODY, format="json").json()
        other = make_client(_vendor())
        assert other.get("/api/v1/slot-schedules").json()["results"] == []
        assert other.patch(f"/api/v1/slot-schedules/{created['id']}", {"capacity": 1}, format="json").status_code == 404
        assert other.delete(f"/api/v1/slot-schedules/{created['id']}").status_code == 404
        assert SlotSchedule.objects.get(pk=created["id"]).capacity == 10

    def test_a_student_may_not(self, make_client):
        from accounts.tests.factories import StudentFactory

        assert make_client(StudentFactory()).post("/api/v1/slot-schedules", BODY, format="json").status_code == 403

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"weekdays": [7]}, "weekdays"),
            ({"weekdays": []}, "weekdays"),
            ({"last_end": "11:00"}, "last_end"),
            ({"slot_minutes": 0}, "slot_minutes"),
            ({"slot_minutes": 90}, "slot_minutes"),
            ({"capacity": 0}, "capacity"),
            ({"first_start": "25:00"}, "first_start"),
            ({"colour": "red"}, "colour"),
        ],
    )
    def test_bad_input_is_400_and_nothing_is_written(self, vendor_client, change, field):
        vendor, client = vendor_client
        response = client.post("/api/v1/slot-schedules", {**BODY, **change}, format="json")
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert error["code"] == "validation_error" and field in error["details"]
        assert not SlotSchedule.objects.filter(vendor=vendor).exists()
        assert not Slot.objects.filter(vendor=vendor).exists()

    def test_over_a_hand_made_slot_is_400_and_nothing_is_written(self, vendor_client):
        vendor, client = vendor_client
        today = timezone.localdate()
        manual = SlotFactory(
            vendor=vendor,
            starts_at=_campus(today, 12, 0) + timedelta(days=1),
            ends_at=_campus(today, 12, 0) + timedelta(days=1, minutes=10),
        )
        body = {**BODY, "weekdays": [manual.starts_at.astimezone(services.generation.campus_zone()).weekday()]}
        response = client.post("/api/v1/slot-schedules", body, format="json")
        assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"
        assert not SlotSchedule.objects.filter(vendor=vendor).exists()
        assert list(Slot.objects.filter(vendor=vendor)) == [manual]


class TestClosureApi:
    def test_close_a_day_list_and_open_it_again(self, vendor_client):
        vendor, client = vendor_client
        client.post("/api/v1/slot-schedules", {**BODY, "weekdays": list(range(7))}, format="json")
        day = timezone.localdate() + timedelta(days=2)
        on_that_day = Slot.objects.filter(vendor=vendor, starts_at__date=day).count()
        assert on_that_day == 2

        response = client.post("/api/v1/closures", {"date": day.isoformat(), "reason": "Diwali"}, format="json")
        assert response.status_code == 201, response.content
        closure = response.json()
        assert closure == {"id": closure["id"], "date": day.isoformat(), "reason": "Diwali"}
        assert not Slot.objects.filter(vendor=vendor, starts_at__date=day).exists()
        assert [c["id"] for c in client.get("/api/v1/closures").json()["results"]] == [closure["id"]]

        assert client.delete(f"/api/v1/closures/{closure['id']}").status_code == 204
        assert Slot.objects.filter(vendor=vendor, starts_at__date=day).count() == 2

    def test_bad_dates_and_other_vendors(self, vendor_client, make_client):
        vendor, client = vendor_client
        past = (timezone.localdate() - timedelta(days=1)).isoformat()
        refused = client.post("/api/v1/closures", {"date": past}, format="json")
        assert refused.status_code == 400 and "date" in refused.json()["error"]["details"]
        assert client.post("/api/v1/closures", {"date": "soon"}, format="json").status_code == 400
        mine = client.post("/api/v1/closures", {"date": timezone.localdate().isoformat()}, format="json").json()
        other = make_client(_vendor())
        assert other.delete(f"/api/v1/closures/{mine['id']}").status_code == 404
        assert other.get("/api/v1/closures").json()["results"] == []
        assert Closure.objects.filter(vendor=vendor).count() == 1
