"""Writes to print jobs: submission, the vendor's workflow, payment, file retention.

`submission` (pricing, quote, submit), `pending` (a file uploaded once, priced and sent by
its id), `lifecycle` (the vendor's and student's moves, payment
and a refund in full), `retention` (the scheduled batches). Services take ids and the acting
user and return the row they locked; row locks come only from `stationery.locks`.
"""

from .core import MAX_COPIES, NOTE_MAX, ORIGINAL_NAME_MAX, REASON_MAX
from .lifecycle import (
    print_job_accept,
    print_job_cancel,
    print_job_cancel_refunded,
    print_job_complete,
    print_job_mark_paid,
    print_job_mark_ready,
    print_job_reject,
)
from .pending import (
    MAX_PENDING_UPLOADS,
    print_job_quote_upload,
    print_job_submit_upload,
    print_upload_create,
    print_upload_purge_expired,
)
from .retention import (
    ORPHAN_GRACE,
    UNACCEPTED_REASON,
    print_job_expire_unaccepted,
    print_job_files_purge,
    print_job_orphan_files_purge,
)
from .submission import PrintQuote, print_job_estimate, print_job_quote, print_job_submit

__all__ = [
    "MAX_COPIES",
    "MAX_PENDING_UPLOADS",
    "NOTE_MAX",
    "ORIGINAL_NAME_MAX",
    "ORPHAN_GRACE",
    "REASON_MAX",
    "UNACCEPTED_REASON",
    "PrintQuote",
    "print_job_accept",
    "print_job_cancel",
    "print_job_cancel_refunded",
    "print_job_complete",
    "print_job_estimate",
    "print_job_expire_unaccepted",
    "print_job_files_purge",
    "print_job_mark_paid",
    "print_job_mark_ready",
    "print_job_orphan_files_purge",
    "print_job_quote",
    "print_job_quote_upload",
    "print_job_reject",
    "print_job_submit",
    "print_job_submit_upload",
    "print_upload_create",
    "print_upload_purge_expired",
]
