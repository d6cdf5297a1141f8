from django.core.management.base import BaseCommand

from ordering.services import order_expire_unpaid


class Command(BaseCommand):
    help = "Expire orders not paid within PAYMENT_WINDOW_MINUTES and give their slot places back (what beat does)."

    def handle(self, *args, **options) -> None:
        expired = order_expire_unpaid()
        self.stdout.write(self.style.SUCCESS(f"Expired {expired} unpaid order(s)."))
