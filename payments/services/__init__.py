"""The only writers of payments, refunds and webhook events, by sub-domain.

Money moves exactly once:

* `opening`: a payment is reserved, Razorpay is called with no lock held, the
  reservation is finalized (reserve → call → finalize).
* `capture`: the one capture path (checkout callback, webhook, reconciliation); a
  second, third or concurrent arrival changes nothing.
* `postings` and `release`: the ledger postings; a capture credits the vendor's
  `pending` account, completing the payable releases it to `payable`.
* `refunds` and `refund_gateway`: a refund is reserved under the payment's row lock
  and sent to Razorpay after commit with `X-Refund-Idempotency`.
* `webhooks` and `reconciliation`: Razorpay's reports, applied through the same services; a
  webhook is stored and answered in the request and applied by a worker (`webhook_apply`),
  reconciliation queues again the events left pending.
* `core`: sources, status moves and their events, the platform fee.

Every row lock is taken through `payments.locks`, in the order payable row → payment
row → refund row → ledger (`core.locks.LOCK_ORDER`).

Callers import from `payments.services` as before: every name they use is re-exported
here. A test that patches a name patches it where it is used (`payments.services.capture`),
as with any module.
"""

from __future__ import annotations

from .capture import payment_capture, payment_fail, payment_verify
from .core import (
    ABANDON_AFTER,
    CURRENCY,
    FAILED_RECHECK_WINDOW,
    RESERVATION_GRACE_SECONDS,
    Source,
    Status,
    platform_fee,
)
from .opening import payment_open
from .postings import _ledger_capture
from .reconciliation import payments_reconcile
from .refund_gateway import refund_recheck, refund_settle, refund_submit
from .refunds import _refund_reserve, payment_refund, payment_refund_payable_in_full, refund_retry
from .release import payment_release_payable
from .webhooks import webhook_apply, webhook_attempt_failed, webhook_receive, webhooks_replay, webhooks_requeue

__all__ = [
    "ABANDON_AFTER",
    "CURRENCY",
    "FAILED_RECHECK_WINDOW",
    "RESERVATION_GRACE_SECONDS",
    "Source",
    "Status",
    "_ledger_capture",
    "_refund_reserve",
    "payment_capture",
    "payment_fail",
    "payment_open",
    "payment_refund",
    "payment_refund_payable_in_full",
    "payment_release_payable",
    "payment_verify",
    "payments_reconcile",
    "platform_fee",
    "refund_recheck",
    "refund_retry",
    "refund_settle",
    "refund_submit",
    "webhook_apply",
    "webhook_attempt_failed",
    "webhook_receive",
    "webhooks_replay",
    "webhooks_requeue",
]
