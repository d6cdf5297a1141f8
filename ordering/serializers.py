"""Input and output shapes of slots and orders (API.md)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from payments.serializers import PayableRefundsMixin

from .models import MAX_CAPACITY_UNITS, Order, OrderItem, Slot
from .pricing import MAX_OPTIONS_PER_LINE, options_key
from .services import MAX_LINES, MAX_QUANTITY, OrderLine

# --- slots ------------------------------------------------------------------------


class SlotSerializer(serializers.ModelSerializer):
    remaining = serializers.IntegerField(read_only=True)
    remaining_units = serializers.IntegerField(read_only=True, allow_null=True, help_text="Null: no cap on units.")
    schedule = serializers.IntegerField(
        source="schedule_id",
        read_only=True,
        allow_null=True,
        help_text="The weekly schedule that made it; null: by hand.",
    )

    class Meta:
        model = Slot
        fields = [
            "id",
            "vendor",
            "starts_at",
            "ends_at",
            "capacity",
            "reserved",
            "remaining",
            "capacity_units",
            "reserved_units",
            "remaining_units",
            "is_active",
            "schedule",
        ]
        read_only_fields = fields


class SlotCreateSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=1, max_value=1000)
    capacity_units = serializers.IntegerField(
        min_value=1, max_value=MAX_CAPACITY_UNITS, required=False, allow_null=True
    )
    is_active = serializers.BooleanField(default=True)

    def validate(self, attrs):
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": [_("Must be after the start.")]})
        return attrs


class SlotUpdateSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField(required=False)
    capacity = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    capacity_units = serializers.IntegerField(
        min_value=1, max_value=MAX_CAPACITY_UNITS, required=False, allow_null=True
    )
    is_active = serializers.BooleanField(required=False)


class SlotListQuerySerializer(serializers.Serializer):
    vendor = serializers.IntegerField(required=False, min_value=1)
    upcoming = serializers.BooleanField(required=False, default=True)


class PrepSheetLineSerializer(serializers.Serializer):
    menu_item = serializers.IntegerField()
    name = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField(), help_text="Names of the options of this count.")
    label = serializers.CharField(help_text='e.g. "Masala dosa, extra cheese".')
    quantity = serializers.IntegerField()


class PrepSheetSerializer(serializers.Serializer):
    slot = SlotSerializer()
    items = PrepSheetLineSerializer(many=True)


# --- orders -----------------------------------------------------------------------


class OrderLineInputSerializer(serializers.Serializer):
    menu_item = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    options = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
        max_length=MAX_OPTIONS_PER_LINE,
        help_text="The chosen option ids of this item.",
    )


class OrderCreateSerializer(serializers.Serializer):
    """What a student sends. Prices or totals in the body are ignored: they come from the database."""

    vendor = serializers.IntegerField(min_value=1)
    slot = serializers.IntegerField(min_value=1)
    items = OrderLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate_items(self, value: list[dict]) -> list[dict]:
        keys = [(line["menu_item"], options_key(line.get("options") or [])) for line in value]
        if len(set(keys)) != len(keys):
            raise serializers.ValidationError(
                _("The same item with the same options may appear only once; use its quantity.")
            )
        return value

    def lines(self) -> list[OrderLine]:
        return [
            OrderLine(
                menu_item_id=line["menu_item"], quantity=line["quantity"], options=tuple(line.get("options") or ())
            )
            for line in self.validated_data["items"]
        ]


class OrderRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, trim_whitespace=True)


class OrderCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class OrderCompleteSerializer(serializers.Serializer):
    # Any string is checked against the code (and counts as a guess), so a malformed one is
    # `invalid_pickup_code` like any other wrong code.
    pickup_code = serializers.CharField(max_length=20, trim_whitespace=True)


class OrderCompleteByCodeSerializer(serializers.Serializer):
    pickup_code = serializers.CharField(
        max_length=20, trim_whitespace=True, help_text="The 6 digits the student shows (typed or scanned)."
    )


class OrderDelaySerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=5, max_value=120, help_text="How much later than estimated (5..120).")


class OrderListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Order.Status.choices, required=False)
    slot = serializers.IntegerField(required=False, min_value=1)
    date = serializers.DateField(required=False, help_text="The pickup slot's date (YYYY-MM-DD, campus time).")


class OrderSlotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Slot
        fields = ["id", "starts_at", "ends_at"]


class OrderItemOptionSerializer(serializers.Serializer):
    option = serializers.IntegerField()
    group = serializers.CharField()
    name = serializers.CharField()
    price_delta_paise = serializers.IntegerField()


class OrderItemSerializer(serializers.ModelSerializer):
    options = OrderItemOptionSerializer(many=True, read_only=True, help_text="Snapshotted when the order was placed.")

    class Meta:
        model = OrderItem
        fields = ["menu_item", "name", "unit_price_paise", "quantity", "line_total_paise", "options"]


class OrderSerializer(PayableRefundsMixin, serializers.ModelSerializer):
    """The `order` of API.md. `pickup_code` goes to the order's student once paid, never to anyone else."""

    slot = OrderSlotSerializer(read_only=True)
    reject_reason = serializers.SerializerMethodField()
    items = OrderItemSerializer(many=True, read_only=True)
    pickup_code = serializers.SerializerMethodField()
    student_name = serializers.CharField(source="student.name", read_only=True)
    estimated_ready_at = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "id",
            "status",
            "vendor",
            "student",
            "student_name",
            "slot",
            "items",
            "total_paise",
            "note",
            "reason",
            "reject_reason",
            "cancel_reason",
            "refunded_paise",
            "refunds",
            "pickup_code",
            "estimated_ready_at",
            "delay_minutes",
            "payment_due_by",
            "paid_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True, min_length=6, max_length=6))
    def get_pickup_code(self, order: Order) -> str | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or order.student_id != user.pk or order.status not in Order.PAID_STATUSES:
            return None
        return order.pickup_code or None

    @extend_schema_field(serializers.DateTimeField())
    def get_estimated_ready_at(self, order: Order):
        # Set when the vendor accepts (ordering.services.estimates); until then the slot's start.
        return serializers.DateTimeField().to_representation(order.estimated_ready_at or order.slot.starts_at)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reject_reason(self, order: Order) -> str | None:
        return order.reason if order.status == Order.Status.REJECTED else None

    def refunds_of(self, order: Order) -> list:
        # An order waiting for payment has taken no money yet, so it has nothing refunded
        # (a capture always moves it on first); this keeps placing an order one query shorter.
        if order.status == Order.Status.PENDING_PAYMENT:
            return []
        return super().refunds_of(order)
