from django.core.management.base import BaseCommand

from catalog.stock import stock_reset_daily


class Command(BaseCommand):
    help = "Set every menu item's stock back to its daily stock, now (what the morning beat job does)."

    def handle(self, *args, **options) -> None:
        count = stock_reset_daily()
        self.stdout.write(self.style.SUCCESS(f"Reset the stock of {count} menu item(s)."))
