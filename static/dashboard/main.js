/* The vendor dashboard's entry point: register the Alpine stores and components, start polling
   and follow the event stream (stream.js: events refresh the queue, the poll becomes a fallback). */
import Alpine from "../vendor/alpinejs/alpine-csp.esm.js";
import { config, onSignedOut } from "./api.js";
import { busySwitch } from "./busy.js";
import { paymentsStore, queueCard } from "./cards.js";
import { historyTab } from "./history.js";
import { catalogEditor } from "./menu.js";
import { moneyTab } from "./money.js";
import { foodQueue } from "./orders.js";
import { createPoller } from "./poll.js";
import { printQueue } from "./print-jobs.js";
import { scheduleEditor } from "./schedules.js";
import { shellStore } from "./shell.js";
import { slotsEditor } from "./slots.js";
import { followQueue } from "./stream.js";

const poller = createPoller({
  interval: config.poll_ms,
  max: config.poll_max_ms,
  onOk: () => Alpine.store("dash").polled(),
  onFail: (error) => Alpine.store("dash").pollFailed(error),
});
let stream = null;
onSignedOut(() => { poller.stop(); if (stream) stream.close(); });

Alpine.store("dash", shellStore());
Alpine.store("payments", paymentsStore());
// `now`: the vendor's own actions refresh the queue at once (the poll may be slow while the stream is open).
Alpine.store("poller", { add: (job) => poller.add(job), now: () => poller.now() });

Alpine.data("queueCard", queueCard);
Alpine.data("foodQueue", foodQueue);
Alpine.data("printQueue", printQueue);
Alpine.data("catalogEditor", catalogEditor);
Alpine.data("slotsEditor", slotsEditor);
Alpine.data("scheduleEditor", scheduleEditor);
Alpine.data("busySwitch", busySwitch);
Alpine.data("historyTab", historyTab);
Alpine.data("moneyTab", moneyTab);
Alpine.data("tabs", (names) => ({
  init() { this.$store.dash.openTab((window.location.hash || "").slice(1) || names[0], names); },
  open(name) { this.$store.dash.openTab(name, names); },
}));

Alpine.start();
poller.start();
if (config.events_url) {
  stream = followQueue(poller, { normalMs: config.poll_ms, fallbackMs: config.poll_fallback_ms, url: config.events_url });
}
