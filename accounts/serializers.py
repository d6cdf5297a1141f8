"""Input and output serializers of the accounts API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import User
from .phones import InvalidPhone, normalize_phone


class PhoneField(serializers.CharField):
    """An Indian mobile number; comes out normalised to +91XXXXXXXXXX."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", "Indian mobile number: +91 and 10 digits, or the bare 10 digits.")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        raw = super().to_internal_value(data)
        try:
            return normalize_phone(raw)
        except InvalidPhone as exc:
            raise serializers.ValidationError(str(exc)) from None


# A pattern rather than an enum: an enum would collide with the `role` enum of `user` in the schema.
@extend_schema_field({"type": "string", "pattern": "^(student|vendor)$", "default": "student"})
class SignUpRoleField(serializers.ChoiceField):
    """`student` or `vendor`: staff accounts are never self-made."""

    def __init__(self, **kwargs):
        super().__init__(choices=[User.Role.STUDENT.value, User.Role.VENDOR.value], **kwargs)


class OtpRequestInputSerializer(serializers.Serializer):
    phone = PhoneField()


class OtpRequestOutputSerializer(serializers.Serializer):
    expires_in = serializers.IntegerField(help_text="Seconds the code stays valid.")
    resend_after = serializers.IntegerField(help_text="Seconds before another code may be requested.")


class OtpVerifyInputSerializer(serializers.Serializer):
    phone = PhoneField()
    code = serializers.RegexField(r"^[0-9]{6}$", max_length=6, error_messages={"invalid": "Enter the 6-digit code."})
    password = serializers.CharField(
        max_length=128,
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        write_only=True,
        help_text="Staff accounts only: their password, as well as the code.",
    )
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    role = SignUpRoleField(
        required=False,
        default=User.Role.STUDENT,
        help_text="Only used when the phone is new.",
    )
    shop_name = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default="", help_text="Required for a new vendor."
    )
    vendor_type = serializers.ChoiceField(
        choices=User.VendorType.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="Required for a new vendor.",
    )

    def validate(self, attrs):
        if attrs["role"] == User.Role.VENDOR:
            errors = {}
            if not attrs["shop_name"].strip():
                errors["shop_name"] = ["A vendor signing up needs a shop name."]
            if not attrs["vendor_type"]:
                errors["vendor_type"] = ["A vendor signing up needs a vendor type: food or stationery."]
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "phone", "name", "role", "vendor_type", "is_approved", "is_active"]
        read_only_fields = fields


class SignInOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    user = UserSerializer()


class MeUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, allow_blank=False, trim_whitespace=True)


class ShopSummarySerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()
    vendor_type = serializers.CharField()
    is_open = serializers.BooleanField()


class StaffVendorSerializer(UserSerializer):
    shop = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "created_at", "shop"]
        read_only_fields = fields

    @extend_schema_field(ShopSummarySerializer(allow_null=True))
    def get_shop(self, user: User) -> dict | None:
        shop = getattr(user, "shop", None)
        return ShopSummarySerializer(shop).data if shop is not None else None


class StaffVendorFilterSerializer(serializers.Serializer):
    is_approved = serializers.BooleanField(required=False, allow_null=True, default=None)


class StaffReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
