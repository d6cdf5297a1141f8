from rest_framework import serializers

from .models import Entry


class BalanceSerializer(serializers.Serializer):
    vendor = serializers.IntegerField()
    payable_paise = serializers.IntegerField(
        help_text="What the campus owes the vendor now: pending_paise + available_paise."
    )
    pending_paise = serializers.IntegerField(
        help_text="Captured for orders and print jobs not yet completed, less their refunds."
    )
    available_paise = serializers.IntegerField(
        help_text="Released by completion and not paid out: what a payout may take."
    )
    captured_paise = serializers.IntegerField(help_text="The vendor's share of every captured payment.")
    refunded_paise = serializers.IntegerField(help_text="The vendor's share of every refund.")
    paid_out_paise = serializers.IntegerField(help_text="Everything paid out to the vendor.")


class EntryFilterSerializer(serializers.Serializer):
    account = serializers.CharField(required=False, max_length=80, help_text="An account code, e.g. vendor:12:payable")


class EntrySerializer(serializers.ModelSerializer):
    transaction = serializers.IntegerField(source="transaction_id")
    account = serializers.CharField(source="account.code")
    amount_paise = serializers.IntegerField(help_text="Debits positive, credits negative.")
    kind = serializers.CharField(source="transaction.kind")
    reference = serializers.CharField(source="transaction.reference")

    class Meta:
        model = Entry
        fields = ["id", "transaction", "account", "amount_paise", "kind", "reference", "created_at"]
        read_only_fields = fields


class DailySalesFilterSerializer(serializers.Serializer):
    days = serializers.IntegerField(required=False, min_value=1, max_value=366, default=14)


class DailySalesSerializer(serializers.Serializer):
    date = serializers.DateField()
    captured_paise = serializers.IntegerField()
    refunded_paise = serializers.IntegerField()
