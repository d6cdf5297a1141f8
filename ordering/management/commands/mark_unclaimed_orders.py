from django.core.management.base import BaseCommand

from ordering.services import order_mark_unclaimed_due


class Command(BaseCommand):
    help = (
        "Mark unclaimed every ready order not collected PICKUP_GRACE_MINUTES after its slot ended, "
        "reminding each student once (what beat does)."
    )

    def handle(self, *args, **options) -> None:
        marked = order_mark_unclaimed_due()
        self.stdout.write(self.style.SUCCESS(f"Marked {marked} uncollected order(s) unclaimed."))
