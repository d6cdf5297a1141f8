"""Payments: one `Payment` per attempt to collect money for a payable through Razorpay.

A payable is exactly one of an order or a print job (a database constraint says
so). Status changes only through `payments.services`, which checks
`Payment.TRANSITIONS` and records a `PaymentEvent` for every change.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# The payment methods Razorpay reports (the payment entity's `method`), in the words a receipt uses.
PAYMENT_METHODS: dict[str, str] = {
    "upi": "UPI",
    "card": _("Card"),
    "netbanking": _("Net banking"),
    "wallet": _("Wallet"),
    "emi": "EMI",
    "cardless_emi": _("Cardless EMI"),
    "paylater": _("Pay later"),
}


class Payment(models.Model):
    """One attempt to collect money for one payable (an order or a print job) via Razorpay."""

    class Status(models.TextChoices):
        CREATED = "created", "Created"
        CAPTURED = "captured", "Captured"
        FAILED = "failed", "Failed"
        REFUNDED = "refunded", "Refunded"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"

    # The only moves a payment can make. A failed payment may still be captured later
    # (Razorpay sends payment.failed and then payment.captured for a retried attempt);
    # nothing ever goes back to created, and captured money only moves on through refunds.
    # partially_refunded/refunded -> captured/partially_refunded happen only when a
    # refund fails at Razorpay and its amount is given back.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.CREATED: frozenset({Status.CAPTURED, Status.FAILED}),
        Status.FAILED: frozenset({Status.CAPTURED}),
        Status.CAPTURED: frozenset({Status.PARTIALLY_REFUNDED, Status.REFUNDED}),
        Status.PARTIALLY_REFUNDED: frozenset({Status.PARTIALLY_REFUNDED, Status.REFUNDED, Status.CAPTURED}),
        Status.REFUNDED: frozenset({Status.PARTIALLY_REFUNDED, Status.CAPTURED}),
    }
    # Statuses in which money has been captured (refundable while something is left).
    CAPTURED_STATUSES = (Status.CAPTURED, Status.PARTIALLY_REFUNDED, Status.REFUNDED)

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
    # Null only for the few seconds between reserving the payment and Razorpay answering.
    razorpay_order_id = models.CharField(max_length=40, null=True, blank=True, unique=True)
    razorpay_payment_id = models.CharField(max_length=40, null=True, blank=True, unique=True)
    captured_paise = models.PositiveIntegerField(default=0)
    # Refunds asked of Razorpay and not failed (pending or processed), as Razorpay counts them.
    refunded_paise = models.PositiveIntegerField(default=0)
    # The platform's fee on this capture (PLATFORM_FEE_BPS when it was captured); refunds reverse it pro rata.
    platform_fee_paise = models.PositiveIntegerField(default=0)
    # Razorpay's fee on this capture (the payment entity's `fee`, GST included) and the GST part of it (`tax`).
    gateway_fee_paise = models.PositiveIntegerField(default=0)
    gateway_tax_paise = models.PositiveIntegerField(default=0)
    captured_at = models.DateTimeField(null=True, blank=True)
    # How the student paid, as Razorpay names it (the payment entity's `method`: upi, card, …); for receipts.
    method = models.CharField(max_length=20, blank=True)
    # When the order or print job was completed and the vendor's share moved from pending to available.
    released_at = models.DateTimeField(null=True, blank=True)
    is_flagged = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=200, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Refunds (API, admin action, re-sending) need this; staff status alone is not enough.
        permissions = [("refund_payment", "Can refund payments")]
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
            models.CheckConstraint(
                condition=Q(platform_fee_paise__lte=F("captured_paise")), name="payment_fee_within_capture"
            ),
            models.CheckConstraint(
                condition=Q(gateway_fee_paise__lte=F("captured_paise"))
                & Q(gateway_tax_paise__lte=F("gateway_fee_paise")),
                name="payment_gateway_fee_within_capture",
            ),
            models.UniqueConstraint(fields=["order"], condition=Q(status="created"), name="payment_one_open_per_order"),
            models.UniqueConstraint(
                fields=["print_job"], condition=Q(status="created"), name="payment_one_open_per_print_job"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["created", "captured", "failed", "refunded", "partially_refunded"]),
                name="payment_status_valid",
            ),
            # Captured money has a Razorpay payment id and an amount; uncaptured money has neither.
            models.CheckConstraint(
                condition=(
                    Q(status__in=["captured", "refunded", "partially_refunded"])
                    & Q(razorpay_payment_id__isnull=False)
                    & Q(captured_paise__gte=1)
                    & Q(captured_at__isnull=False)
                )
                | (Q(status__in=["created", "failed"]) & Q(captured_paise=0) & Q(refunded_paise=0)),
                name="payment_captured_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["payer", "created_at"], name="payment_payer_created"),
            models.Index(fields=["status", "created_at"], name="payment_status_created"),
        ]

    def __str__(self) -> str:
        return f"Payment #{self.pk} ({self.razorpay_order_id or 'reserving'})"

    @property
    def method_display(self) -> str:
        return PAYMENT_METHODS.get(self.method, _("Online payment"))

    @property
    def refundable_paise(self) -> int:
        return self.captured_paise - self.refunded_paise


class PaymentEvent(models.Model):
    """Audit trail: every status change of a payment (and every refund step), where it came from."""

    class Source(models.TextChoices):
        """Where a payment change came from."""

        PAY = "pay", "Opening a payment"
        VERIFY = "verify", "Checkout callback"
        WEBHOOK = "webhook", "Razorpay webhook"
        RECONCILE = "reconcile", "Reconciliation"
        STAFF = "staff", "Campus staff"
        SYSTEM = "system", "System"

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    source = models.CharField(max_length=20, choices=Source.choices)
    note = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["payment", "created_at"], name="payment_event_payment_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["pay", "verify", "webhook", "reconcile", "staff", "system"]),
                name="payment_event_source_valid",
            ),
        ]


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PENDING: frozenset({Status.PROCESSED, Status.FAILED}),
        Status.PROCESSED: frozenset(),
        Status.FAILED: frozenset(),
    }

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_paise = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    razorpay_refund_id = models.CharField(max_length=40, null=True, blank=True, unique=True)
    # Sent as Razorpay's X-Refund-Idempotency, so asking again never refunds twice.
    idempotency_key = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=300, blank=True)
    is_automatic = models.BooleanField(default=False, help_text="Started by the system, not by a person.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    failure_reason = models.CharField(max_length=300, blank=True)
    submit_attempts = models.PositiveIntegerField(default=0)
    # A retry of a failed refund is a new refund (its own ledger posting); each failed refund is retried once.
    retry_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="retried_by")
    processed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_paise__gte=1), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "processed", "failed"]), name="refund_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="processed") | Q(razorpay_refund_id__isnull=False),
                name="refund_processed_has_razorpay_id",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="refund_status_created")]

    def __str__(self) -> str:
        return f"Refund #{self.pk} of {self.amount_paise} paise ({self.status})"


class WebhookEvent(models.Model):
    """Every Razorpay webhook delivery we accepted, stored once by its event id and once by its body.

    `body_sha256` is the SHA-256 of the raw body: a signed body replayed under a new
    event id (the header is not signed) is a duplicate too. Null only on rows stored
    before it existed whose body repeats an earlier row's.

    A stored event is `pending` until a worker has applied it (`applied`, with `processed_at`
    and `result`). Each attempt that raised is counted with its error; after
    WEBHOOK_APPLY_MAX_ATTEMPTS the event is `failed` and waits for an engineer to replay it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"

    event_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=60)
    body = models.TextField()
    body_sha256 = models.CharField(max_length=64, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=200, blank=True)
    # Attempts to apply that raised, the last one's error and when the last attempt (of either kind) ended.
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "applied", "failed"]), name="webhook_event_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="applied") | Q(processed_at__isnull=False),
                name="webhook_event_applied_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "received_at"], name="webhook_event_status_received")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
