from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# On PostgreSQL an exclusion constraint (btree_gist, migration 0003) keeps one vendor's
# not-deleted slots from sharing any moment; the services check first, for a clear 409.
SLOT_NO_OVERLAP_CONSTRAINT = "slot_no_overlap_per_vendor"
# One not-deleted slot per vendor and start (on every database): what makes slot generation
# idempotent whatever runs it at the same time (ordering/services/schedules.py).
SLOT_UNIQUE_START_CONSTRAINT = "slot_unique_vendor_start"
MAX_CAPACITY_UNITS = 100_000
# One vendor's orders whose code still opens a handover never share a pickup code.
PICKUP_CODE_UNIQUE_CONSTRAINT = "order_pickup_code_unique_live"


class Slot(models.Model):
    """A pickup window at one food vendor, holding at most `capacity` live orders."""

    vendor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    reserved = models.PositiveIntegerField(default=0)
    # Kitchen load (issue 20): an order holds Σ quantity × prep_units; null capacity: no cap.
    capacity_units = models.PositiveIntegerField(null=True, blank=True)
    reserved_units = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    # A deleted slot that still has finished orders stays as their history, hidden everywhere else.
    # A generated slot the vendor deleted stays too (deleted), so that generation does not make it again.
    is_deleted = models.BooleanField(default=False)
    # The weekly schedule that made it; null: made by hand.
    schedule = models.ForeignKey(
        "SlotSchedule", null=True, blank=True, on_delete=models.SET_NULL, related_name="slots"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1) & Q(capacity__lte=1000), name="slot_capacity_in_range"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="slot_reserved_not_negative"),
            models.CheckConstraint(condition=Q(reserved__lte=F("capacity")), name="slot_reserved_within_capacity"),
            models.CheckConstraint(
                condition=Q(capacity_units__isnull=True)
                | (Q(capacity_units__gte=1) & Q(capacity_units__lte=MAX_CAPACITY_UNITS)),
                name="slot_capacity_units_in_range",
            ),
            models.CheckConstraint(
                condition=Q(capacity_units__isnull=True) | Q(reserved_units__lte=F("capacity_units")),
                name="slot_reserved_units_within_capacity",
            ),
            models.UniqueConstraint(
                fields=["vendor", "starts_at"], condition=Q(is_deleted=False), name=SLOT_UNIQUE_START_CONSTRAINT
            ),
        ]
        indexes = [
            models.Index(fields=["vendor", "starts_at"], name="slot_vendor_starts"),
            models.Index(fields=["schedule", "starts_at"], name="slot_schedule_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%d %b %H:%M}–{self.ends_at:%H:%M}"

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.reserved, 0)

    @property
    def remaining_units(self) -> int | None:
        if self.capacity_units is None:
            return None
        return max(self.capacity_units - self.reserved_units, 0)


class SlotSchedule(models.Model):
    """A food vendor's weekly pattern of pickup slots (ordering/services/schedules.py makes them).

    On each of `weekdays` (Monday 0 … Sunday 6), slots of `slot_minutes` from `first_start`
    to `last_end`, campus time, each taking `capacity` orders and `capacity_units` of load.
    """

    vendor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slot_schedules")
    weekdays = models.JSONField(default=list)
    first_start = models.TimeField()
    last_end = models.TimeField()
    slot_minutes = models.PositiveSmallIntegerField()
    capacity = models.PositiveIntegerField()
    capacity_units = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["first_start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(last_end__gt=F("first_start")), name="slot_schedule_ends_after_start"),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5) & Q(slot_minutes__lte=240), name="slot_schedule_minutes_in_range"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=1000), name="slot_schedule_capacity_in_range"
            ),
            models.CheckConstraint(
                condition=Q(capacity_units__isnull=True)
                | (Q(capacity_units__gte=1) & Q(capacity_units__lte=MAX_CAPACITY_UNITS)),
                name="slot_schedule_units_in_range",
            ),
        ]
        indexes = [models.Index(fields=["vendor", "is_active"], name="slot_schedule_vendor_active")]

    def __str__(self) -> str:
        return f"{self.first_start:%H:%M}–{self.last_end:%H:%M} every {self.slot_minutes} min"


class Closure(models.Model):
    """A day a food vendor takes no orders (a holiday, a fest): no slots are made for it."""

    vendor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [models.UniqueConstraint(fields=["vendor", "date"], name="closure_unique_vendor_date")]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y}"


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
        PAID = "paid", _("Paid")
        ACCEPTED = "accepted", _("Accepted")
        READY = "ready", _("Ready for pickup")
        # Ready, and not collected PICKUP_GRACE_MINUTES after its slot ended: the money stays
        # pending and the vendor can still hand it over against the pickup code.
        UNCLAIMED = "unclaimed", _("Not collected")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")

    # The only moves an order can make; every status change checks this map.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PENDING_PAYMENT: frozenset({Status.PAID, Status.CANCELLED, Status.EXPIRED}),
        Status.PAID: frozenset({Status.ACCEPTED, Status.CANCELLED, Status.REJECTED}),
        Status.ACCEPTED: frozenset({Status.READY, Status.REJECTED}),
        Status.READY: frozenset({Status.COMPLETED, Status.UNCLAIMED}),
        Status.UNCLAIMED: frozenset({Status.COMPLETED}),
        Status.COMPLETED: frozenset(),
        Status.CANCELLED: frozenset(),
        Status.REJECTED: frozenset(),
        Status.EXPIRED: frozenset(),
    }
    # Orders that hold a place in their slot.
    LIVE_STATUSES = (Status.PENDING_PAYMENT, Status.PAID, Status.ACCEPTED, Status.READY, Status.UNCLAIMED)
    # Ends that give the slot place back (exactly once: none of them has a way out).
    RELEASING_STATUSES = (Status.CANCELLED, Status.REJECTED, Status.EXPIRED)
    # A refund of the whole capture cancels an order in these statuses (CANCEL_REFUNDED below).
    REFUND_CANCELS_STATUSES = (Status.PAID, Status.ACCEPTED, Status.READY, Status.UNCLAIMED)
    CANCEL_REFUNDED = "refunded"
    # Orders whose money has been taken and that are still going (or went) to the counter.
    PAID_STATUSES = (Status.PAID, Status.ACCEPTED, Status.READY, Status.UNCLAIMED, Status.COMPLETED)
    # Orders whose pickup code still opens a handover: unique among one vendor's (a partial
    # unique constraint), so a code typed or scanned at the counter names one order.
    CODE_LIVE_STATUSES = (Status.PAID, Status.ACCEPTED, Status.READY, Status.UNCLAIMED)
    # Orders the counter hands over against their code (complete-by-code).
    HANDOVER_STATUSES = (Status.READY, Status.UNCLAIMED)

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    # No index of its own: order_vendor_status and order_vendor_created lead with the vendor.
    vendor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vendor_orders", db_index=False
    )
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING_PAYMENT)
    total_paise = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True)
    pickup_code = models.CharField(max_length=6, blank=True)
    # When the student may come: set when the vendor accepts (ordering.services.estimates)
    # and moved by the vendor's "late by N minutes"; null until then (the API answers the
    # slot's start). `delay_minutes` sums the vendor's delays.
    estimated_ready_at = models.DateTimeField(null=True, blank=True)
    delay_minutes = models.PositiveSmallIntegerField(default=0)
    payment_due_by = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True, help_text="Why it was rejected or cancelled.")
    # "refunded" when staff refunded the whole capture of a live order (which ends its handover).
    cancel_reason = models.CharField(max_length=20, blank=True)
    # The kitchen units (Σ quantity × prep_units) it holds in its slot; exactly these go back with its place.
    slot_units = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total_paise__gte=1), name="order_total_positive"),
            models.CheckConstraint(
                condition=Q(pickup_code="") | Q(pickup_code__regex=r"^[0-9]{6}$"), name="order_pickup_code_6_digits"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["paid", "accepted", "ready", "unclaimed", "completed"])
                | (~Q(pickup_code="") & Q(paid_at__isnull=False)),
                name="order_paid_has_pickup_code",
            ),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reason=""), name="order_rejected_has_reason"),
            models.UniqueConstraint(
                fields=["vendor", "pickup_code"],
                condition=Q(status__in=["paid", "accepted", "ready", "unclaimed"]),
                name=PICKUP_CODE_UNIQUE_CONSTRAINT,
            ),
        ]
        indexes = [
            models.Index(fields=["student", "created_at"], name="order_student_created"),
            models.Index(fields=["vendor", "status"], name="order_vendor_status"),
            # The vendor's list, newest first (ordering/listing.py): a page is read off the index.
            models.Index(fields=["vendor", "-created_at", "-id"], name="order_vendor_created"),
            models.Index(fields=["slot", "status"], name="order_slot_status"),
            models.Index(fields=["status", "payment_due_by"], name="order_status_due"),
        ]

    def __str__(self) -> str:
        return f"Order #{self.pk}"


class OrderItem(models.Model):
    """One line of an order, with the name, price and options as they were when it was placed.

    `options` is the snapshot `[{"option", "group", "name", "price_delta_paise"}]`; `options_key`
    the chosen option ids, sorted and comma-joined, so one item may appear on two lines only
    with different options. `stock_taken` is how much of the item's stock the line took
    (0 when the item had no limit): exactly that goes back if the order's place does.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    menu_item = models.ForeignKey("catalog.MenuItem", on_delete=models.PROTECT, related_name="order_items")
    name = models.CharField(max_length=120)
    unit_price_paise = models.PositiveIntegerField()
    quantity = models.PositiveSmallIntegerField()
    line_total_paise = models.PositiveIntegerField()
    options = models.JSONField(default=list, blank=True)
    options_key = models.CharField(max_length=200, blank=True, default="")
    stock_taken = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1) & Q(quantity__lte=20), name="order_item_quantity_1_20"),
            models.CheckConstraint(condition=Q(unit_price_paise__gte=1), name="order_item_price_positive"),
            models.CheckConstraint(
                condition=Q(line_total_paise=F("unit_price_paise") * F("quantity")), name="order_item_line_total"
            ),
            models.UniqueConstraint(fields=["order", "menu_item", "options_key"], name="order_item_unique_per_options"),
            models.CheckConstraint(
                condition=Q(stock_taken__lte=F("quantity")), name="order_item_stock_within_quantity"
            ),
        ]


class OrderEvent(models.Model):
    """Audit trail: every status change of an order, who made it and why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"], name="order_event_order_created")]
