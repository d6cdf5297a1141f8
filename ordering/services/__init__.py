"""The only writers of pickup slots and orders.

`slots` (slot writes and the places orders take), `placing` (`order_place`), `lifecycle` (the
state machine and the moves of students, vendors and payments), `expiry` (the scheduled
batches: unpaid, unaccepted, uncollected), `counter` (complete-by-code, late by N minutes),
`estimates` (when an order should be ready), `schedules` (weekly slot schedules and closures)
and `generation` (the slots they make). Services take ids and the acting user and return the
row they locked; row locks come only from `ordering.locks`.
"""

from .core import MAX_LINES, MAX_QUANTITY, OrderLine, Status, order_cutoff
from .counter import order_complete_by_code, order_delay
from .expiry import (
    NOT_ACCEPTED_IN_TIME,
    order_expire,
    order_expire_unpaid,
    order_mark_unclaimed,
    order_mark_unclaimed_due,
    order_reject_not_accepted,
    order_reject_unaccepted,
)
from .generation import Generated, slots_generate, slots_generate_all
from .lifecycle import (
    order_accept,
    order_cancel,
    order_cancel_refunded,
    order_complete,
    order_mark_paid,
    order_mark_ready,
    order_reject,
)
from .placing import order_place
from .schedules import (
    closure_create,
    closure_delete,
    slot_schedule_create,
    slot_schedule_delete,
    slot_schedule_update,
)
from .slots import slot_create, slot_delete, slot_update

__all__ = [
    "MAX_LINES",
    "MAX_QUANTITY",
    "NOT_ACCEPTED_IN_TIME",
    "Generated",
    "OrderLine",
    "Status",
    "closure_create",
    "closure_delete",
    "order_accept",
    "order_cancel",
    "order_cancel_refunded",
    "order_complete",
    "order_complete_by_code",
    "order_cutoff",
    "order_delay",
    "order_expire",
    "order_expire_unpaid",
    "order_mark_paid",
    "order_mark_ready",
    "order_mark_unclaimed",
    "order_mark_unclaimed_due",
    "order_place",
    "order_reject",
    "order_reject_not_accepted",
    "order_reject_unaccepted",
    "slot_create",
    "slot_delete",
    "slot_schedule_create",
    "slot_schedule_delete",
    "slot_schedule_update",
    "slot_update",
    "slots_generate",
    "slots_generate_all",
]
