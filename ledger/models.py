"""The double-entry book.

An `Account` is named by a code (see `ledger.chart`). A `Transaction` is one
posting, unique by `(kind, reference)` so it happens at most once, and its
`Entry` rows (debits positive, credits negative) always sum to zero. Rows are
written only by `ledger.services` and never updated or deleted: on PostgreSQL
triggers (migration 0003) enforce both the balance and the append-only rule.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Account(models.Model):
    class Type(models.TextChoices):
        ASSET = "asset", "Asset"
        LIABILITY = "liability", "Liability"
        INCOME = "income", "Income"
        EXPENSE = "expense", "Expense"

    code = models.CharField(
        max_length=80, unique=True, help_text="e.g. gateway:razorpay, vendor:12:pending, vendor:12:payable"
    )
    name = models.CharField(max_length=120, blank=True)
    type = models.CharField(max_length=10, choices=Type.choices)
    vendor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        permissions = [("record_payout", "Can record a payout to a vendor")]
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=["asset", "liability", "income", "expense"]), name="ledger_account_type_valid"
            ),
            # A vendor is set exactly on vendor accounts (pending and payable), which are liabilities.
            models.CheckConstraint(
                condition=(Q(code__startswith="vendor:") & Q(vendor__isnull=False) & Q(type="liability"))
                | (~Q(code__startswith="vendor:") & Q(vendor__isnull=True)),
                name="ledger_account_vendor_only_on_payable",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Transaction(models.Model):
    class Kind(models.TextChoices):
        CAPTURE = "capture", "Capture"
        REFUND = "refund", "Refund"
        PAYOUT = "payout", "Payout"
        ADJUSTMENT = "adjustment", "Adjustment"
        REVERSAL = "reversal", "Reversal"
        # Completing an order or print job moves its vendor money from pending to payable (available).
        RELEASE = "release", "Release"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    reference = models.CharField(max_length=100)
    memo = models.CharField(max_length=300, blank=True)
    # PROTECT, not SET_NULL: transactions are never updated, so who posted one stays recorded.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        help_text="The transaction this reversal undoes (each can be reversed once).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "reference"], name="ledger_transaction_kind_reference"),
            models.CheckConstraint(condition=~Q(reference=""), name="ledger_transaction_reference_not_blank"),
            models.CheckConstraint(
                condition=Q(kind__in=["capture", "refund", "payout", "adjustment", "reversal", "release"]),
                name="ledger_transaction_kind_valid",
            ),
            models.CheckConstraint(
                condition=(Q(kind="reversal") & Q(reverses__isnull=False))
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="ledger_transaction_reversal_has_target",
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="ledger_transaction_created")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.reference}"


class Entry(models.Model):
    """One leg of a transaction. Debits are positive, credits negative; never updated or deleted."""

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount_paise = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~Q(amount_paise=0), name="ledger_entry_amount_not_zero")]
        indexes = [models.Index(fields=["account", "created_at"], name="ledger_entry_account_created")]
        verbose_name_plural = "entries"
