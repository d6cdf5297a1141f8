/*
 * The queue on events: the dashboard follows the vendor's event stream (GET /api/v1/events).
 * Each event (a new paid order, a print job sent, any change to one) refreshes the queue at once,
 * through the same poller, so the new-order banner and sound come the same way as before. While
 * the stream is open the poll only runs every `fallback_ms` (a safety net); when the stream
 * drops the normal pace comes back, and on reconnecting the queue is refreshed once in full.
 */
import { follow } from "../common/events.js";

// The shop's own news: what refreshes the queue.
const QUEUE_EVENTS = new Set(["order.created", "order.updated", "print_job.created", "print_job.updated"]);

export function followQueue(poller, { normalMs, fallbackMs, url }) {
  return follow({
    url,
    onEvent(event) {
      if (QUEUE_EVENTS.has(event.type)) poller.now();
    },
    onOpen(reconnected) {
      poller.pace(fallbackMs);
      if (reconnected) poller.now();
    },
    onDrop() {
      poller.pace(normalMs);
    },
  });
}
