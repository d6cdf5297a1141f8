from django.core.management.base import BaseCommand, CommandError

from ledger.selectors import book_check


class Command(BaseCommand):
    help = "Verify the ledger: every transaction sums to zero and the whole book sums to zero. Exits 1 if not."

    def handle(self, *args, **options):
        report = book_check()
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Ledger OK: {report.transactions} transactions, {report.entries} entries, the book sums to 0."
                )
            )
            return
        for problem in report.problems:
            self.stderr.write(problem)
        raise CommandError(
            f"Ledger check FAILED: {len(report.problems)} problem(s) in {report.transactions} transactions, "
            f"{report.entries} entries."
        )
