"""Input and output shapes of payments (API.md: `checkout`, `payment`, `refund`)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
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
    """`accepted`: stored, to be applied by a worker; `duplicate`: stored before, nothing new."""

    status = serializers.ChoiceField(choices=["accepted", "duplicate"])


# --- the refunds of an order or a print job (`refunded_paise`, `refunds` of API.md) ------------


def payable_refunds_prefetch() -> Prefetch:
    """Prefetch for an Order or PrintJob queryset: its payments that took money, each with its refunds.

    With it, `PayableRefundsMixin` serialises a whole page in two extra queries, whatever its size.
    """
    return Prefetch(
        "payments",
        queryset=Payment.objects.filter(captured_paise__gt=0)
        .only("pk", "order_id", "print_job_id", "captured_paise")
        .prefetch_related(Prefetch("refunds", queryset=Refund.objects.order_by("created_at", "id"))),
        to_attr="captured_payments",
    )


def payable_refunds(obj) -> list[Refund]:
    """The refunds of an order or print job, oldest first (prefetched when the queryset used the prefetch)."""
    payments = getattr(obj, "captured_payments", None)
    if payments is None:
        payments = obj.payments.filter(captured_paise__gt=0).prefetch_related("refunds")
    refunds = [refund for payment in payments for refund in payment.refunds.all()]
    return sorted(refunds, key=lambda refund: (refund.created_at, refund.pk))


class PayableRefundSerializer(serializers.ModelSerializer):
    """One refund as its student sees it on the order or print job."""

    class Meta:
        model = Refund
        fields = ["id", "amount_paise", "status", "reason", "created_at", "processed_at"]
        read_only_fields = fields


class PayableRefundsMixin(serializers.Serializer):
    """Adds `refunded_paise` (refunds pending or processed; a failed one gave nothing back) and `refunds`."""

    refunded_paise = serializers.SerializerMethodField()
    refunds = serializers.SerializerMethodField()

    def _refunds(self, obj) -> list[Refund]:
        # Both fields read the same list; work it out once per object.
        if not hasattr(obj, "_serialized_refunds"):
            obj._serialized_refunds = self.refunds_of(obj)
        return obj._serialized_refunds

    def refunds_of(self, obj) -> list[Refund]:
        return payable_refunds(obj)

    def get_refunded_paise(self, obj) -> int:
        return sum(r.amount_paise for r in self._refunds(obj) if r.status != Refund.Status.FAILED)

    @extend_schema_field(PayableRefundSerializer(many=True))
    def get_refunds(self, obj) -> list[dict]:
        return PayableRefundSerializer(self._refunds(obj), many=True).data


# --- the vendor's statement (`GET /ledger/statement`) ---------------------------------------------


class StatementQuerySerializer(serializers.Serializer):
    from_ = serializers.DateField(help_text="First campus day, YYYY-MM-DD.")
    to = serializers.DateField(help_text="Last campus day (included), YYYY-MM-DD.")
    vendor = serializers.IntegerField(required=False, min_value=1, help_text="Staff: whose statement (required).")
    format = serializers.ChoiceField(choices=["json", "csv"], required=False, default="json")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # `from` is a Python keyword
        return fields

    def validate(self, attrs):
        from .statement import MAX_DAYS

        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"from": [_("Must not be after `to`.")]})
        if (attrs["to"] - attrs["from"]).days + 1 > MAX_DAYS:
            raise serializers.ValidationError(
                {"to": [_("At most %(max_days)s days in one statement.") % {"max_days": MAX_DAYS}]}
            )
        return attrs


class StatementBalanceSerializer(serializers.Serializer):
    balance_paise = serializers.IntegerField(help_text="pending_paise + available_paise")
    pending_paise = serializers.IntegerField()
    available_paise = serializers.IntegerField()


class StatementRowSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="Campus date.")
    at = serializers.DateTimeField()
    type = serializers.ChoiceField(
        choices=["capture", "fee", "refund", "refund_reversal", "release", "payout", "adjustment"]
    )
    order = serializers.IntegerField(allow_null=True)
    print_job = serializers.IntegerField(allow_null=True)
    payment = serializers.IntegerField(allow_null=True)
    refund = serializers.IntegerField(allow_null=True)
    refund_status = serializers.CharField(allow_null=True)
    amount_paise = serializers.IntegerField(help_text="Effect on the vendor's balance (pending + available).")
    pending_paise = serializers.IntegerField()
    available_paise = serializers.IntegerField()
    balance_paise = serializers.IntegerField(help_text="Running balance after this row.")
    transaction = serializers.IntegerField()
    reference = serializers.CharField()
    memo = serializers.CharField(allow_blank=True)


class StatementTotalsSerializer(serializers.Serializer):
    gross_paise = serializers.IntegerField()
    refunds_processed_paise = serializers.IntegerField()
    refunds_pending_paise = serializers.IntegerField()
    refunds_delayed_paise = serializers.IntegerField(help_text="Refunds that failed (their amount is given back).")
    refunds_given_back_paise = serializers.IntegerField(help_text="Reversals of failed refunds.")
    fees_paise = serializers.IntegerField()
    paid_out_paise = serializers.IntegerField()
    adjustments_paise = serializers.IntegerField()
    pending_paise = serializers.IntegerField(help_text="Closing pending balance.")
    available_paise = serializers.IntegerField(help_text="Closing available balance.")


class StatementSerializer(serializers.Serializer):
    vendor = serializers.IntegerField()
    from_ = serializers.DateField()
    to = serializers.DateField()
    opening = StatementBalanceSerializer()
    closing = StatementBalanceSerializer()
    totals = StatementTotalsSerializer()
    rows = StatementRowSerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields
