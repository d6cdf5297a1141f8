"""Input, filter and output serializers of the catalogue API.

Inputs are plain serializers that refuse fields they do not know (a typo such as
`is_availble` must not pass silently); fields that only appear in the output
(`id`, `vendor`, ...) are accepted and ignored, so a client may send back what
it read. The vendor of anything written is always the caller, never the body.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import QueryDict
from rest_framework import serializers

from accounts.models import User
from core.money import is_paise

from .models import MAX_PRICE_PAISE, MenuItem, PrintService, Shop

MAX_ID = 2**63 - 1  # the largest id PostgreSQL's bigint holds; larger ones would be a 500


class StrictInputSerializer(serializers.Serializer):
    """Refuses unknown fields with a field error; ignores `ignored_fields` (output-only ones)."""

    ignored_fields: tuple[str, ...] = ()

    def to_internal_value(self, data):
        unknown: dict[str, list[str]] = {}
        if isinstance(data, Mapping):
            allowed = set(self.fields) | set(self.ignored_fields)
            unknown = {name: ["Unknown field."] for name in data if name not in allowed}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**unknown, **exc.detail}) from exc
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class PaiseField(serializers.IntegerField):
    """A whole number of paise. JSON must send a number (not "100", 99.5 or true);
    form posts, where everything is text, may send digits."""

    default_error_messages = {"invalid": "Enter a whole number of paise."}

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_PRICE_PAISE)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        from_form = isinstance(getattr(self.root, "initial_data", None), QueryDict)
        if not (is_paise(data, minimum=None) or (from_form and isinstance(data, str))):
            self.fail("invalid")
        return super().to_internal_value(data)


def _model_max(model, field: str) -> int:
    return model._meta.get_field(field).max_length


# --- shops --------------------------------------------------------------------


class VendorSerializer(serializers.ModelSerializer):
    """A vendor as students see it; `id` is the vendor's user id."""

    id = serializers.IntegerField(source="vendor_id", read_only=True)
    shop_name = serializers.CharField(source="name", read_only=True)

    class Meta:
        model = Shop
        fields = ["id", "shop_name", "vendor_type", "is_open", "description", "opening_note"]
        read_only_fields = fields


class ShopUpdateInputSerializer(StrictInputSerializer):
    ignored_fields = ("id", "vendor_type")

    shop_name = serializers.CharField(max_length=_model_max(Shop, "name"), required=False)
    description = serializers.CharField(max_length=_model_max(Shop, "description"), required=False, allow_blank=True)
    is_open = serializers.BooleanField(required=False)
    opening_note = serializers.CharField(max_length=_model_max(Shop, "opening_note"), required=False, allow_blank=True)


class VendorListFilterSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=User.VendorType.choices, required=False, allow_blank=True)


# --- menu items ---------------------------------------------------------------


class MenuItemSerializer(serializers.ModelSerializer):
    vendor = serializers.IntegerField(source="vendor_id", read_only=True, help_text="The vendor's user id.")

    class Meta:
        model = MenuItem
        fields = ["id", "vendor", "name", "description", "price_paise", "is_available", "category"]
        read_only_fields = fields


class MenuItemInputSerializer(StrictInputSerializer):
    ignored_fields = ("id", "vendor")

    name = serializers.CharField(max_length=_model_max(MenuItem, "name"))
    description = serializers.CharField(
        max_length=_model_max(MenuItem, "description"), required=False, allow_blank=True
    )
    price_paise = PaiseField()
    is_available = serializers.BooleanField(required=False, default=True)
    category = serializers.CharField(max_length=_model_max(MenuItem, "category"), required=False, allow_blank=True)


class MenuItemFilterSerializer(serializers.Serializer):
    vendor = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    category = serializers.CharField(max_length=_model_max(MenuItem, "category"), required=False, allow_blank=True)
    available = serializers.BooleanField(required=False, allow_null=True, default=None)


# --- print services -----------------------------------------------------------


class PrintServiceSerializer(serializers.ModelSerializer):
    vendor = serializers.IntegerField(source="vendor_id", read_only=True, help_text="The vendor's user id.")

    class Meta:
        model = PrintService
        fields = [
            "id",
            "vendor",
            "name",
            "unit",
            "price_paise",
            "is_colour",
            "colour_price_paise",
            "paper_size",
            "pages_per_minute",
            "is_available",
        ]
        read_only_fields = fields


class PrintServiceInputSerializer(StrictInputSerializer):
    ignored_fields = ("id", "vendor")

    name = serializers.CharField(max_length=_model_max(PrintService, "name"))
    unit = serializers.ChoiceField(choices=PrintService.Unit.choices, required=False, default=PrintService.Unit.PAGE)
    price_paise = PaiseField()
    is_colour = serializers.BooleanField(required=False, default=False)
    colour_price_paise = PaiseField(
        required=False, allow_null=True, help_text="Price of a colour page; null: black and white only."
    )
    paper_size = serializers.ChoiceField(choices=PrintService.PaperSize.choices, required=False)
    pages_per_minute = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    is_available = serializers.BooleanField(required=False, default=True)


class PrintServiceFilterSerializer(serializers.Serializer):
    vendor = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    available = serializers.BooleanField(required=False, allow_null=True, default=None)
    unit = serializers.ChoiceField(choices=PrintService.Unit.choices, required=False, allow_blank=True)
    is_colour = serializers.BooleanField(required=False, allow_null=True, default=None)
