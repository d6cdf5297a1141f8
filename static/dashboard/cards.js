/*
 * The one queue card, for food orders and print jobs alike (templates/dashboard/_card.html).
 * orders.js and print-jobs.js turn an API object into a card model; what differs between them
 * (its lines, its buttons, its form, its path) is in that model and in the queue's queueAct().
 *
 * A card model: {key, kind, id, domId, status, statusLabel, refunded, total, isNew, items, lines,
 * note, reason, sent, download, actions: [{verb, label, cls}], reject: {button, label, placeholder} | null,
 * form: "pickup" | "amount" | null, actionNote: {text, cls} | null, paymentKey, dismissable,
 * amountInitial, estimatedPaise}.
 *
 * A card with the pickup form can also read the code from the student's QR (scanner.js): "Scan
 * code" opens the camera in a small preview on the card, and the first 6-digit code read fills
 * the input and completes the card through the same complete action as a typed code. One card
 * scans at a time; the camera stops when the card's status moves, the card goes or the tab hides.
 */
import { config, get, inWords } from "./api.js";
import { rupees, toPaise } from "./format.js";
import { scanner } from "./scanner.js";
import { fmt, gettext } from "./i18n.js";

let scanningCard = null; // the card whose camera is open
document.addEventListener("visibilitychange", () => {
  if (document.hidden && scanningCard) scanningCard.stopScan();
});

export const STATUS_LABELS = {
  pending_payment: gettext("Waiting for payment"), paid: gettext("Paid"), accepted: gettext("Accepted"), ready: gettext("Ready"),
  unclaimed: gettext("Not collected"), completed: gettext("Completed"), cancelled: gettext("Cancelled"), rejected: gettext("Rejected"),
  expired: gettext("Expired"), submitted: gettext("New"),
};
export const ENDED = ["completed", "rejected", "cancelled"];
// How a banner says an order or job ended: "Order #12 rejected."
export const ENDED_WORDS = { completed: gettext("completed"), rejected: gettext("rejected"), cancelled: gettext("cancelled") };

/*
 * Staff refunded the whole capture of a live order or paid job, which cancelled it (cancel_reason
 * "refunded"). Its card stays on the counter a while, saying so, so nobody hands it over.
 */
export const REFUNDED_SHOWN_MS = 30 * 60 * 1000;
export const isRefundCancelled = (row) => !!row && row.status === "cancelled" && row.cancel_reason === "refunded";

// Rows that dropped out of the live lists, looked up once: which were refunded, which are just gone.
export async function sortVanished(path, ids) {
  const found = await Promise.all(ids.map((id) => get(path + "/" + id, undefined, { retries: 0 }).catch(() => null)));
  return { refunded: found.filter(isRefundCancelled), gone: ids.filter((id, i) => !isRefundCancelled(found[i])) };
}

// The card model's parts every queue fills the same way.
export function cardBase(kind, row) {
  const refunded = isRefundCancelled(row);
  return {
    key: kind + ":" + row.id, kind, id: row.id, domId: kind + "-" + row.id, status: row.status, refunded,
    statusLabel: refunded ? gettext("Refunded") : STATUS_LABELS[row.status] || row.status,
    note: row.note || "", reason: row.reason || "",
    actions: [], reject: null, form: null, actionNote: null, paymentKey: "", dismissable: false,
  };
}

export function queueCard() {
  return {
    busy: false,
    error: "",
    rejecting: false,
    reason: "",
    code: "",
    amount: "",
    amountReason: "",
    scanning: false,
    scanText: "",

    init() {
      this.amount = this.card.amountInitial || "";
      // A card whose status moved (here or elsewhere) starts its forms afresh.
      this.$watch("card.status", () => {
        this.rejecting = false;
        this.error = "";
        this.amount = this.card.amountInitial || "";
        this.stopScan();
        this.scanText = "";
      });
    },

    destroy() { this.stopScan(); },

    cardClass() {
      return "order--" + this.card.status + (this.card.isNew ? " order--new" : "") + (this.card.refunded ? " order--refunded" : "");
    },

    async run(verb, body) {
      if (this.busy) return; // a double tap acts once
      this.busy = true;
      this.error = "";
      try {
        await this.queueAct(this.card, verb, body || {});
        this.$store.dash.clearError();
      } catch (error) {
        this.error = this.$store.dash.showError(error);
        // Refused because staff refunded it meanwhile? The queue looks and shows that at once.
        if (error.code === "invalid_transition") this.queueRecheck(this.card);
      } finally {
        this.busy = false;
      }
    },
    press(action) { this.run(action.verb, action.body); },

    openReject() {
      this.rejecting = true;
      this.$nextTick(() => this.$refs.reason && this.$refs.reason.focus());
    },
    keep() { this.rejecting = false; },
    submitReject() {
      const reason = this.reason.trim();
      if (!reason) { this.error = gettext("Tell the student why: type a reason."); this.$refs.reason.focus(); return; }
      this.run("reject", { reason });
    },

    submitCode() {
      const value = this.code.trim();
      if (!/^\d{6}$/.test(value)) {
        this.error = gettext("The pickup code has 6 digits; ask the student for it.");
        this.$refs.code.focus();
        return;
      }
      this.run("complete", { pickup_code: value });
    },

    codeLabel() { return this.card.kind === "job" ? gettext("Student's release code") : gettext("Student's pickup code"); },
    // Labels for screen readers: which card's field or button this is.
    codeInputLabel() {
      return fmt(this.card.kind === "job" ? gettext("Pickup code for print job %(id)s") : gettext("Pickup code for order %(id)s"), { id: this.card.id });
    },
    scanLabel() {
      return fmt(this.card.kind === "job" ? gettext("Scan the release code of print job %(id)s with the camera")
        : gettext("Scan the pickup code of order %(id)s with the camera"), { id: this.card.id });
    },
    cameraLabel() {
      return fmt(this.card.kind === "job" ? gettext("Camera picture for scanning the release code of print job %(id)s")
        : gettext("Camera picture for scanning the pickup code of order %(id)s"), { id: this.card.id });
    },
    stopCameraLabel() {
      return fmt(this.card.kind === "job" ? gettext("Stop the camera for print job %(id)s") : gettext("Stop the camera for order %(id)s"), { id: this.card.id });
    },
    amountLabel() { return fmt(gettext("Amount for job %(id)s in rupees"), { id: this.card.id }); },
    amountReasonLabel() { return fmt(gettext("Why the amount for job %(id)s is above the estimate"), { id: this.card.id }); },
    rejectReasonLabel() { return fmt(this.card.reject.label, { id: this.card.id }); },
    reasonText() { return fmt(gettext("Reason: %(reason)s"), { reason: this.card.reason }); },
    toggleScan() {
      if (this.scanning) this.stopScan();
      else this.startScan();
    },
    async startScan() {
      if (scanningCard && scanningCard !== this) scanningCard.stopScan();
      scanningCard = this;
      if (!this._scanner) this._scanner = scanner({ paused: () => this.busy, onCode: (code) => this.scanned(code) });
      this.error = "";
      this.scanning = true;
      this.scanText = gettext("Opening the camera…");
      try {
        await this._scanner.start(this.$refs.video);
      } catch (error) {
        this.scanning = false;
        this.scanText = error.message;
        return;
      }
      if (!this.scanning) return;
      this.scanText = gettext("Hold the student's QR code in front of the camera.");
      this.$nextTick(() => this.$refs.stopScan && this.$refs.stopScan.focus());
    },
    stopScan() {
      if (this._scanner) this._scanner.stop();
      if (this.scanning) this.scanText = "";
      this.scanning = false;
      if (scanningCard === this) scanningCard = null;
    },
    // A code read from the camera: the camera closes, the code is checked as if typed.
    scanned(code) {
      this.stopScan();
      this.code = code;
      this.scanText = fmt(gettext("Read %(code)s."), { code });
      if (this.$refs.scanToggle) this.$refs.scanToggle.focus();
      this.submitCode();
    },

    // Well above the estimate, the student is told why (and may still cancel).
    needsReason() {
      const paise = toPaise(this.amount);
      return paise !== null && paise * 100 > this.card.estimatedPaise * (100 + (config.print_price_tolerance_pct || 0));
    },
    submitAmount() {
      const paise = toPaise(this.amount);
      if (paise === null || paise < 1) { this.error = gettext("Enter the amount in rupees, like 24 or 24.50."); this.$refs.amount.focus(); return; }
      const body = { amount_paise: paise };
      if (this.needsReason()) {
        if (!this.amountReason.trim()) {
          const pct = (config.print_price_tolerance_pct || 0) + "%";
          this.error = fmt(gettext("This is more than %(pct)s above the estimate of %(estimate)s: tell the student why."), { pct, estimate: rupees(this.card.estimatedPaise) });
          this.$refs.amountReason.focus();
          return;
        }
        body.reason = this.amountReason.trim();
      }
      this.run("ready", body);
    },

    dismiss() { this.queueDismiss(this.card); },
  };
}

/*
 * Where the money of an ended order or job went (captured, refunded), from the dashboard's
 * payment-state endpoint: the Alpine store `payments`, read by cards and history rows.
 */
export function paymentsStore() {
  return {
    states: {},
    words(key) {
      const state = this.states[key];
      if (!state) return "";
      if (state.refunded_paise > 0) {
        const refunded = fmt(gettext("Refunded %(amount)s"), { amount: rupees(state.refunded_paise) });
        return refunded + (state.refund_status === "pending" ? " · " + gettext("on its way to the student") : "");
      }
      if (state.refund_status === "failed") return gettext("Refund failed · campus staff will retry it");
      return fmt(gettext("Paid %(amount)s · refund not started yet"), { amount: rupees(state.captured_paise) });
    },
    refunded(key) {
      const state = this.states[key];
      return state && state.refunded_paise > 0 ? "true" : "false";
    },
    settled(key) {
      const state = this.states[key];
      return !!(state && state.refund_status === "processed");
    },
    async load(kind, ids) {
      if (!ids.length) return;
      const qs = ids.slice(0, 100).map((id) => kind + "=" + encodeURIComponent(id)).join("&");
      const data = await get(config.payment_states_url + "?" + qs);
      for (const state of data.results) {
        const key = state.order ? "order:" + state.order : "print_job:" + state.print_job;
        const known = this.states[key];
        // Several payments can exist for one payable; the one that moved money wins.
        if (!known || state.captured_paise >= known.captured_paise) this.states[key] = state;
      }
    },
    // Orders and jobs whose money may have moved back: look their payments up (quietly).
    annotate(kind, rows) {
      const ids = rows.filter((r) => r.status === "rejected" || r.status === "cancelled").map((r) => r.id);
      return this.load(kind, ids).catch(() => {});
    },
  };
}

export { inWords };
