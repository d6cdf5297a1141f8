from django.core.management.base import BaseCommand, CommandError

from payments.services import payments_reconcile


class Command(BaseCommand):
    help = (
        "Ask Razorpay about payments still open, payments failed in the last 24 hours (a retry may still "
        "pay their Razorpay order) and refunds still pending, and apply what it says "
        "(what the periodic reconciliation does), now."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="SECONDS",
            help="Only payments and refunds older than this (default: RECONCILE_AFTER_SECONDS, 300).",
        )

    def handle(self, *args, older_than: int | None = None, **options) -> None:
        if older_than is not None and older_than < 0:
            raise CommandError("--older-than must be zero or more seconds.")
        summary = payments_reconcile(older_than_seconds=older_than)
        if not summary or not any(summary.values()):
            self.stdout.write("Nothing to reconcile.")
            return
        for name, count in sorted(summary.items()):
            self.stdout.write(f"{name}: {count}")
