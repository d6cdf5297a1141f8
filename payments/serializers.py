"""Input and output shapes of payments (API.md: `checkout`, `payment`, `refund`)."""

from __future__ import annotations

from rest_framework import serializers

from .models import Payment, Refund

RAZORPAY_ID_MAX = 40


class CheckoutSerializer(serializers.Serializer):
    """What the page needs to open Razorpay checkout for a payment."""

    payment_id = serializers.IntegerField()
    razorpay_order_id = serializers.CharField()
    razorpay_key_id = serializers.CharField()
    amount_paise = serializers.IntegerField()
    currency = serializers.CharField()
    sandbox = serializers.BooleanField(help_text="True when the development sandbox stands in for Razorpay.")
    checkout_url = serializers.CharField(
        allow_null=True, help_text="The sandbox's checkout page for this payment (development only), else null."
    )


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = [
            "id",
            "status",
            "amount_paise",
            "refunded_paise",
            "captured_paise",
            "currency",
            "razorpay_order_id",
            "razorpay_payment_id",
            "order",
            "print_job",
            "is_flagged",
            "captured_at",
            "created_at",
        ]
        read_only_fields = fields


class RefundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = [
            "id",
            "payment",
            "amount_paise",
            "status",
            "razorpay_refund_id",
            "reason",
            "is_automatic",
            "created_at",
        ]
        read_only_fields = fields


class PaymentVerifySerializer(serializers.Serializer):
    razorpay_order_id = serializers.CharField(max_length=RAZORPAY_ID_MAX)
    razorpay_payment_id = serializers.CharField(max_length=RAZORPAY_ID_MAX)
    razorpay_signature = serializers.CharField(max_length=128)


class RefundCreateSerializer(serializers.Serializer):
    amount_paise = serializers.IntegerField(
        min_value=1, max_value=10**9, required=False, help_text="Omit to refund everything still refundable."
    )
    reason = serializers.CharField(max_length=300, trim_whitespace=True)


class WebhookAckSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["processed", "duplicate"])
    result = serializers.CharField(required=False)
