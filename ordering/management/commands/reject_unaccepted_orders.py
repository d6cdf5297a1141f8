from django.core.management.base import BaseCommand

from ordering.services import order_reject_unaccepted


class Command(BaseCommand):
    help = (
        "Reject and refund in full every paid order whose slot has begun without the vendor "
        "accepting it (what beat does)."
    )

    def handle(self, *args, **options) -> None:
        rejected = order_reject_unaccepted()
        self.stdout.write(self.style.SUCCESS(f"Rejected and refunded {rejected} order(s) nobody accepted in time."))
