"""Input and output shapes of the print-job API (`print_job` in API.md)."""

from rest_framework import serializers

from payments.serializers import PayableRefundsMixin

from .models import MAX_AMOUNT_PAISE, PrintJob


class PrintJobSerializer(PayableRefundsMixin, serializers.ModelSerializer):
    """The `print_job` shape, plus a few extra read-only fields."""

    is_paid = serializers.BooleanField(read_only=True)
    service_name = serializers.CharField(source="service.name", read_only=True)
    file_available = serializers.BooleanField(source="is_file_available", read_only=True)

    class Meta:
        model = PrintJob
        fields = [
            "id",
            "status",
            "vendor",
            "student",
            "service",
            "service_name",
            "pages",
            "copies",
            "double_sided",
            "note",
            "estimated_paise",
            "amount_paise",
            "amount_reason",
            "refunded_paise",
            "refunds",
            "is_paid",
            "reason",
            "cancel_reason",
            "original_name",
            "file_available",
            "paid_at",
            "ended_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PrintJobSubmitSerializer(serializers.Serializer):
    """`POST /print-jobs` (multipart). The file is checked by the service, not here."""

    file = serializers.FileField(allow_empty_file=True, help_text="The PDF to print.")
    service = serializers.IntegerField(min_value=1, help_text="A print service of an open stationery shop.")
    copies = serializers.IntegerField(min_value=1, max_value=100, default=1)
    double_sided = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")


class PrintJobEstimateSerializer(serializers.Serializer):
    """`POST /print-jobs/estimate`: what the job would cost; nothing is stored."""

    pages = serializers.IntegerField()
    copies = serializers.IntegerField()
    double_sided = serializers.BooleanField()
    estimated_paise = serializers.IntegerField()


class PrintJobListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PrintJob.Status.choices, required=False)


class PrintJobReadySerializer(serializers.Serializer):
    amount_paise = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT_PAISE)
    reason = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why the amount is above the estimate; required beyond PRINT_PRICE_TOLERANCE_PCT percent.",
    )


class PrintJobRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, trim_whitespace=True)
