"""Input, filter and output serializers of the catalogue API.

Inputs are plain serializers that refuse fields they do not know (a typo such as
`is_availble` must not pass silently); fields that only appear in the output
(`id`, `vendor`, ...) are accepted and ignored, so a client may send back what
it read. The vendor of anything written is always the caller, never the body.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import QueryDict
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from core.money import is_paise

from .images import photo_url
from .models import (
    ALLERGENS,
    DIETS,
    MAX_CUTOFF_MINUTES,
    MAX_PREP_UNITS,
    MAX_PRICE_PAISE,
    MAX_STOCK,
    TAGS,
    MenuItem,
    Option,
    OptionGroup,
    PrintService,
    Shop,
)

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
    is_pure_veg = serializers.SerializerMethodField(help_text="The whole available menu is veg.")
    paused_until = serializers.SerializerMethodField(
        help_text="New orders are paused until this moment; null: taking orders."
    )
    order_cutoff_minutes = serializers.IntegerField(
        source="cutoff_minutes",
        read_only=True,
        help_text="A slot stops taking orders this many minutes before it starts.",
    )

    class Meta:
        model = Shop
        fields = [
            "id",
            "shop_name",
            "vendor_type",
            "is_open",
            "description",
            "opening_note",
            "is_pure_veg",
            "paused_until",
            "order_cutoff_minutes",
        ]
        read_only_fields = fields

    def get_is_pure_veg(self, shop: Shop) -> bool:
        # Annotated by the selectors (one query for any number of shops).
        return bool(getattr(shop, "is_pure_veg", False))

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_paused_until(self, shop: Shop) -> str | None:
        until = shop.paused_until_now()
        return serializers.DateTimeField().to_representation(until) if until is not None else None


class VendorShopSerializer(VendorSerializer):
    """The vendor's own shop: what students see, and the order of its menu's categories."""

    category_order = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Category names in menu order; others follow by name."
    )

    class Meta(VendorSerializer.Meta):
        fields = [*VendorSerializer.Meta.fields, "category_order"]
        read_only_fields = fields


class ShopUpdateInputSerializer(StrictInputSerializer):
    ignored_fields = ("id", "vendor_type")

    shop_name = serializers.CharField(max_length=_model_max(Shop, "name"), required=False)
    description = serializers.CharField(max_length=_model_max(Shop, "description"), required=False, allow_blank=True)
    is_open = serializers.BooleanField(required=False)
    opening_note = serializers.CharField(max_length=_model_max(Shop, "opening_note"), required=False, allow_blank=True)
    category_order = serializers.ListField(
        child=serializers.CharField(max_length=_model_max(MenuItem, "category"), allow_blank=True),
        max_length=50,
        required=False,
    )
    paused_until = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Pause new orders until then (within SHOP_PAUSE_MAX_HOURS); null resumes.",
    )
    pause_minutes = serializers.IntegerField(
        min_value=1, max_value=24 * 60, required=False, help_text="Pause new orders for this many minutes from now."
    )
    order_cutoff_minutes = serializers.IntegerField(
        min_value=0,
        max_value=MAX_CUTOFF_MINUTES,
        required=False,
        allow_null=True,
        help_text="Null: the campus default.",
    )


class VendorListFilterSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=User.VendorType.choices, required=False, allow_blank=True)
    diet = serializers.ChoiceField(choices=[("veg", "veg")], required=False, allow_blank=True)


class MenuFilterSerializer(serializers.Serializer):
    diet = serializers.ChoiceField(choices=[("veg", "veg")], required=False, allow_blank=True)


# --- menu items ---------------------------------------------------------------


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "name", "price_delta_paise", "is_available"]
        read_only_fields = fields


class OptionGroupSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True, read_only=True)

    class Meta:
        model = OptionGroup
        fields = ["id", "name", "min_choices", "max_choices", "sort_order", "options"]
        read_only_fields = fields


class MenuItemSerializer(serializers.ModelSerializer):
    vendor = serializers.IntegerField(source="vendor_id", read_only=True, help_text="The vendor's user id.")
    diet = serializers.ChoiceField(choices=DIETS, allow_null=True, read_only=True)
    allergens = serializers.ListField(child=serializers.ChoiceField(choices=ALLERGENS), read_only=True)
    tags = serializers.ListField(child=serializers.ChoiceField(choices=TAGS), read_only=True)
    image_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    is_sold_out = serializers.BooleanField(read_only=True)
    option_groups = OptionGroupSerializer(many=True, read_only=True)

    class Meta:
        model = MenuItem
        fields = [
            "id",
            "vendor",
            "name",
            "description",
            "price_paise",
            "is_available",
            "category",
            "diet",
            "allergens",
            "tags",
            "image_url",
            "image_width",
            "image_height",
            "thumbnail_url",
            "thumbnail_width",
            "thumbnail_height",
            "stock",
            "daily_stock",
            "is_sold_out",
            "max_per_order",
            "prep_units",
            "sort_order",
            "option_groups",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_image_url(self, item: MenuItem) -> str | None:
        return photo_url(item.image)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_thumbnail_url(self, item: MenuItem) -> str | None:
        return photo_url(item.thumbnail)


class MenuItemInputSerializer(StrictInputSerializer):
    ignored_fields = ("id", "vendor")

    name = serializers.CharField(max_length=_model_max(MenuItem, "name"))
    description = serializers.CharField(
        max_length=_model_max(MenuItem, "description"), required=False, allow_blank=True
    )
    price_paise = PaiseField()
    is_available = serializers.BooleanField(required=False, default=True)
    category = serializers.CharField(max_length=_model_max(MenuItem, "category"), required=False, allow_blank=True)
    diet = serializers.ChoiceField(choices=DIETS, required=False, allow_null=True)
    allergens = serializers.ListField(child=serializers.ChoiceField(choices=ALLERGENS), required=False, max_length=20)
    tags = serializers.ListField(child=serializers.ChoiceField(choices=TAGS), required=False, max_length=10)
    stock = serializers.IntegerField(min_value=0, max_value=MAX_STOCK, required=False, allow_null=True)
    daily_stock = serializers.IntegerField(min_value=0, max_value=MAX_STOCK, required=False, allow_null=True)
    max_per_order = serializers.IntegerField(min_value=1, max_value=20, required=False, allow_null=True)
    sort_order = serializers.IntegerField(min_value=-10_000, max_value=10_000, required=False)
    prep_units = serializers.IntegerField(
        min_value=0, max_value=MAX_PREP_UNITS, required=False, help_text="Kitchen load of one unit (default 1)."
    )


class MenuItemStockInputSerializer(StrictInputSerializer):
    """The quick controls during service: `{"sold_out": true}` or `{"add": 10}`."""

    sold_out = serializers.BooleanField(required=False, default=False)
    add = serializers.IntegerField(min_value=-MAX_STOCK, max_value=MAX_STOCK, required=False)


class MenuItemImageInputSerializer(serializers.Serializer):
    image = serializers.FileField(help_text="A JPEG, PNG or WebP photo (re-encoded by the server).")


class OptionInputSerializer(StrictInputSerializer):
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    name = serializers.CharField(max_length=_model_max(Option, "name"))
    price_delta_paise = PaiseField(min_value=0, required=False, default=0)
    is_available = serializers.BooleanField(required=False, default=True)


class OptionGroupInputSerializer(StrictInputSerializer):
    ignored_fields = ("id",)

    name = serializers.CharField(max_length=_model_max(OptionGroup, "name"))
    min_choices = serializers.IntegerField(min_value=0, max_value=20, required=False, default=0)
    max_choices = serializers.IntegerField(min_value=1, max_value=20, required=False, default=1)
    sort_order = serializers.IntegerField(min_value=0, max_value=100, required=False)
    options = OptionInputSerializer(many=True, allow_empty=False, max_length=20)


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
