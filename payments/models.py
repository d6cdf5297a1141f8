from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Payment(models.Model):
    """One attempt to collect money for one payable (an order or a print job) via Razorpay."""

    class Status(models.TextChoices):
        CREATED = "created", "Created"
        CAPTURED = "captured", "Captured"
        FAILED = "failed", "Failed"
        REFUNDED = "refunded", "Refunded"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"

    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    order = models.ForeignKey(
        "ordering.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    print_job = models.ForeignKey(
        "stationery.PrintJob", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    amount_paise = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="INR")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CREATED)
    razorpay_order_id = models.CharField(max_length=40, unique=True)
    razorpay_payment_id = models.CharField(max_length=40, null=True, blank=True, unique=True)
    captured_paise = models.PositiveIntegerField(default=0)
    refunded_paise = models.PositiveIntegerField(default=0)
    captured_at = models.DateTimeField(null=True, blank=True)
    is_flagged = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=200, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(order__isnull=False) & Q(print_job__isnull=True))
                | (Q(order__isnull=True) & Q(print_job__isnull=False)),
                name="payment_exactly_one_payable",
            ),
            models.CheckConstraint(condition=Q(amount_paise__gte=1), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_paise__lte=F("captured_paise")), name="payment_refund_within_capture"
            ),
            models.UniqueConstraint(fields=["order"], condition=Q(status="created"), name="payment_one_open_per_order"),
            models.UniqueConstraint(
                fields=["print_job"], condition=Q(status="created"), name="payment_one_open_per_print_job"
            ),
        ]
        indexes = [
            models.Index(fields=["payer", "created_at"], name="payment_payer_created"),
            models.Index(fields=["status", "created_at"], name="payment_status_created"),
        ]

    def __str__(self) -> str:
        return f"Payment #{self.pk} ({self.razorpay_order_id})"


class PaymentEvent(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    source = models.CharField(max_length=20, help_text="verify, webhook, reconcile, staff, system")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_paise = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    razorpay_refund_id = models.CharField(max_length=40, null=True, blank=True, unique=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_paise__gte=1), name="refund_amount_positive")]
        indexes = [models.Index(fields=["status", "created_at"], name="refund_status_created")]


class WebhookEvent(models.Model):
    """Every Razorpay webhook delivery we accepted, stored once by its event id."""

    event_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=60)
    body = models.TextField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
