import logging

from celery import shared_task

from .sms import SmsError, get_backend

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(SmsError,),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def send_sms(self, *, to: str, body: str) -> None:
    """Deliver one SMS through the configured backend. The body is never logged."""
    get_backend().send(to=to, body=body)
    logger.info("sms sent", extra={"to_suffix": to[-4:]})
