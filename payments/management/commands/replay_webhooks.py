from django.core.management.base import BaseCommand, CommandError

from payments import selectors
from payments.services import webhooks_replay


class Command(BaseCommand):
    help = (
        "Apply stored Razorpay webhooks again: the given event ids (X-Razorpay-Event-Id) or, with --failed, "
        "every event whose automatic attempts ran out. Each goes back to pending with its attempts reset and "
        "is queued to a worker; an applied event is left alone (applying twice changes nothing)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("event_ids", nargs="*", metavar="EVENT_ID", help="Razorpay event ids (evt_…).")
        parser.add_argument("--failed", action="store_true", help="Every failed event.")

    def handle(self, *args, event_ids: list[str], failed: bool = False, **options) -> None:
        if not event_ids and not failed:
            raise CommandError("Name the event ids to replay, or --failed for every failed event.")
        found = selectors.webhook_events_by_event_id(event_ids=event_ids)
        wanted = [event.pk for event in found.values()]
        if failed:
            wanted += list(selectors.webhook_events_failed().values_list("pk", flat=True))
        queued = webhooks_replay(webhook_event_ids=wanted)
        queued_ids = {event.pk for event in queued}
        for event_id in event_ids:
            event = found.get(event_id)
            if event is None:
                self.stdout.write(f"{event_id}: no such event")
            elif event.pk not in queued_ids:
                self.stdout.write(f"{event_id}: already applied")
        for event in queued:
            error = f", last error: {event.last_error}" if event.last_error else ""
            self.stdout.write(f"{event.event_id}: queued ({event.event_type}{error})")
        self.stdout.write(f"{len(queued)} events queued; a worker applies them (the admin shows their status)")
