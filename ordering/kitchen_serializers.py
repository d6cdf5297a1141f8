"""Input and output shapes of slot schedules and closures (API.md, "Kitchen")."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from .models import MAX_CAPACITY_UNITS, Closure, SlotSchedule

HHMM = "%H:%M"


class SlotScheduleSerializer(serializers.ModelSerializer):
    weekdays = serializers.ListField(child=serializers.IntegerField(), help_text="0 (Monday) to 6 (Sunday).")
    first_start = serializers.TimeField(format=HHMM, help_text="HH:MM, campus time.")
    last_end = serializers.TimeField(format=HHMM, help_text="HH:MM, campus time.")

    class Meta:
        model = SlotSchedule
        fields = [
            "id",
            "weekdays",
            "first_start",
            "last_end",
            "slot_minutes",
            "capacity",
            "capacity_units",
            "is_active",
        ]
        read_only_fields = fields


class _StrictMixin:
    """Unknown fields are a field error (a typo must not pass silently); `id` is ignored."""

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, dict):
            unknown = {name: ["Unknown field."] for name in data if name not in self.fields and name != "id"}
        value = super().to_internal_value(data)
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class SlotScheduleInputSerializer(_StrictMixin, serializers.Serializer):
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), min_length=1, max_length=7
    )
    first_start = serializers.TimeField(input_formats=[HHMM])
    last_end = serializers.TimeField(input_formats=[HHMM])
    slot_minutes = serializers.IntegerField(min_value=5, max_value=240)
    capacity = serializers.IntegerField(min_value=1, max_value=1000)
    capacity_units = serializers.IntegerField(
        min_value=1, max_value=MAX_CAPACITY_UNITS, required=False, allow_null=True
    )
    is_active = serializers.BooleanField(required=False)

    def validate(self, attrs):
        first, last = attrs.get("first_start"), attrs.get("last_end")
        if first is not None and last is not None and last <= first:
            raise serializers.ValidationError({"last_end": [_("Must be after the first start.")]})
        return attrs


class ClosureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Closure
        fields = ["id", "date", "reason"]
        read_only_fields = fields


class ClosureInputSerializer(_StrictMixin, serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
