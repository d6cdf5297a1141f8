from django.core.management.base import BaseCommand

from ordering.services import slots_generate_all


class Command(BaseCommand):
    help = (
        "Make the pickup slots of every vendor's weekly schedules for SLOT_HORIZON_DAYS ahead and "
        "remove the empty ones that no longer fit (what the nightly beat job does). Safe to run twice."
    )

    def handle(self, *args, **options) -> None:
        made = slots_generate_all()
        self.stdout.write(self.style.SUCCESS(f"Made {made} slot(s) from the weekly schedules."))
