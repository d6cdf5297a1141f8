"""Input and output shapes of the print-job API (`print_job` in API.md)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from payments.serializers import PayableRefundsMixin

from .models import MAX_AMOUNT_PAISE, PAGE_RANGE_MAX, PrintJob


class PrintJobSerializer(PayableRefundsMixin, serializers.ModelSerializer):
    """The `print_job` shape, plus a few extra read-only fields."""

    is_paid = serializers.BooleanField(read_only=True)
    service_name = serializers.CharField(source="service.name", read_only=True)
    file_available = serializers.BooleanField(source="is_file_available", read_only=True)
    page_range = serializers.SerializerMethodField()
    pickup_code = serializers.SerializerMethodField()
    finishing_names = serializers.SerializerMethodField()

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
            "page_range",
            "pages_selected",
            "colour_mode",
            "colour_pages",
            "pages_per_sheet",
            "finishing",
            "finishing_names",
            "sheets",
            "paper_size",
            "analysis",
            "pickup_code",
            "estimated_ready_at",
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

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_page_range(self, job: PrintJob) -> str | None:
        return job.page_range or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_pickup_code(self, job: PrintJob) -> str | None:
        """To the job's student once paid; never to the vendor (who must be shown it)."""
        user = getattr(self.context.get("request"), "user", None)
        if user is None or job.student_id != user.pk or job.status not in PrintJob.PAID_STATUSES:
            return None
        return job.pickup_code or None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_finishing_names(self, job: PrintJob) -> list[str]:
        names = self.context.get("finishing_names")
        if names is None:
            from .jobs import finishing_for_stored

            return [extra.name for extra in finishing_for_stored(job)]
        return [names[pk] for pk in job.finishing if pk in names]


class PrintJobSubmitSerializer(serializers.Serializer):
    """`POST /print-jobs` (multipart; JSON with `upload`). The file is checked by the service, not here.

    Either `file` (the PDF itself) or `upload` (the id of a file the student uploaded before,
    `POST /print-uploads`), not both.
    """

    file = serializers.FileField(allow_empty_file=True, required=False, help_text="The PDF to print.")
    upload = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text="Instead of `file`: a file uploaded before by this student (POST /print-uploads).",
    )
    service = serializers.IntegerField(min_value=1, help_text="A print service of an open stationery shop.")
    copies = serializers.IntegerField(min_value=1, max_value=100, default=1)
    double_sided = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    page_range = serializers.CharField(
        max_length=PAGE_RANGE_MAX, allow_blank=True, required=False, default="", help_text='e.g. "1-3,7"; empty: all.'
    )
    colour_mode = serializers.ChoiceField(choices=PrintJob.ColourMode.choices, default=PrintJob.ColourMode.BW)
    pages_per_sheet = serializers.ChoiceField(choices=[(1, "1"), (2, "2"), (4, "4")], default=1)
    finishing = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
        max_length=10,
        help_text="Ids of the shop's `job` services (binding, lamination), each once per copy.",
    )

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            # A missing file is said alongside the other fields' errors, not only once they pass.
            details = dict(exc.detail) if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
            if hasattr(data, "get") and not data.get("file") and data.get("upload") in (None, ""):
                details.setdefault("file", ["No file was submitted."])
            raise serializers.ValidationError(details) from None

    def validate(self, attrs: dict) -> dict:
        if "file" not in attrs and "upload" not in attrs:
            raise serializers.ValidationError({"file": [_("No file was submitted.")]})
        if "file" in attrs and "upload" in attrs:
            raise serializers.ValidationError({"upload": [_("Send the file or the id of its upload, not both.")]})
        return attrs


class PrintUploadCreateSerializer(serializers.Serializer):
    """`POST /print-uploads` (multipart): the file chosen on the print form, uploaded once."""

    file = serializers.FileField(allow_empty_file=True, help_text="The PDF (or a JPEG or PNG photo) to print.")


class PrintUploadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    pages = serializers.IntegerField()
    size = serializers.IntegerField(help_text="Bytes stored (a photo is stored as a PDF).")
    expires_at = serializers.DateTimeField(help_text="Send or re-price it before then; afterwards 410 upload_expired.")


class PrintJobEstimateSerializer(serializers.Serializer):
    """`POST /print-jobs/estimate`: what the job would cost; nothing is stored."""

    pages = serializers.IntegerField()
    pages_selected = serializers.IntegerField()
    page_range = serializers.CharField(allow_null=True)
    colour_pages = serializers.ListField(
        child=serializers.IntegerField(), allow_null=True, help_text="null while a large file is still being read."
    )
    sheets = serializers.IntegerField()
    paper_size = serializers.CharField()
    copies = serializers.IntegerField()
    double_sided = serializers.BooleanField()
    analysis = serializers.CharField()
    estimated_paise = serializers.IntegerField()
    estimated_max_paise = serializers.IntegerField(help_text="With pages still being read counted as colour.")
    previews = serializers.ListField(child=serializers.DictField(), help_text='[{"page", "src" (a data: URL)}]')


class PrintJobCompleteSerializer(serializers.Serializer):
    # Any string is checked against the code (and counts as a guess); without one, a job that
    # cannot be completed yet is still 409 and a paid one `invalid_pickup_code`.
    pickup_code = serializers.CharField(
        max_length=20, trim_whitespace=True, required=False, default="", allow_blank=True
    )


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
