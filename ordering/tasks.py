from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import order_expire_unpaid

# Every ordering task is a scheduled batch, safe to run twice: acknowledged after it ran, and tried
# again a few times when the database connection drops.
_BATCH = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 60,
    "max_retries": 3,
    "acks_late": True,
}


@shared_task(
    name="ordering.tasks.expire_unpaid_orders",
    **_BATCH,
)
def expire_unpaid_orders() -> int:
    """Beat, every minute: expire orders not paid within PAYMENT_WINDOW_MINUTES. Safe to run twice."""
    return order_expire_unpaid()


@shared_task(
    name="ordering.tasks.reject_unaccepted_orders",
    **_BATCH,
)
def reject_unaccepted_orders() -> int:
    """Beat, every minute: reject and refund paid orders whose slot began unaccepted. Safe to run twice."""
    from .services import order_reject_unaccepted

    return order_reject_unaccepted()


@shared_task(
    name="ordering.tasks.generate_slots",
    **_BATCH,
)
def generate_slots() -> int:
    """Beat, every night (campus time): slots from the weekly schedules, SLOT_HORIZON_DAYS ahead. Safe to run twice."""
    from .services import slots_generate_all

    return slots_generate_all()


@shared_task(
    name="ordering.tasks.mark_unclaimed_orders",
    **_BATCH,
)
def mark_unclaimed_orders() -> int:
    """Beat, every few minutes: ready orders not collected PICKUP_GRACE_MINUTES after their slot → unclaimed."""
    from .services import order_mark_unclaimed_due

    return order_mark_unclaimed_due()
