from celery import shared_task
from django.db import InterfaceError, OperationalError

from .stock import stock_reset_daily


@shared_task(
    name="catalog.tasks.reset_daily_stock",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=60,
    max_retries=3,
    acks_late=True,
)
def reset_daily_stock() -> int:
    """Beat, every morning at STOCK_RESET_HOUR (campus time): stock back to each item's daily stock."""
    return stock_reset_daily()
