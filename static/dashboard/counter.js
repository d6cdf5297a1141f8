/* Counter mode (issue 20): hand orders over by their pickup code, typed or scanned.

   The list shows the shop's ready and unclaimed orders (by order number: the code is the
   student's proof and never shown to the shop). A code goes to POST /orders/complete-by-code.
   Scanning uses the camera through scanner.js (shared with the queue cards): one QR in front of
   the camera is sent once, the same code again only after the camera lost it a while, and the
   camera keeps running for the next student. */
import Alpine from "../vendor/alpinejs/alpine-csp.esm.js";
import { config, inWords, listAll, onSignedOut, post } from "./api.js";
import { PICKUP_CODE as CODE, scanner } from "./scanner.js";
import { fmt, gettext } from "./i18n.js";

function counter() {
  return {
    orders: [],
    loaded: false,
    stale: false,
    liveText: gettext("Connecting…"),
    code: "",
    busy: false,
    result: "",
    resultClass: "",
    scanning: false,
    scanText: "",
    decoder: "",

    init() {
      this.refresh();
      this._poll = setInterval(() => this.refresh(), config.poll_ms);
      onSignedOut(() => {
        clearInterval(this._poll);
        this.stopScan();
        this.show("error", gettext("You are signed out. Sign in again to use the counter."));
      });
      document.addEventListener("visibilitychange", () => {
        if (document.hidden) this.stopScan();
      });
      this.$nextTick(() => document.getElementById("pickup-code").focus());
    },

    async refresh() {
      try {
        const [ready, unclaimed] = await Promise.all([
          listAll("orders", { status: "ready" }),
          listAll("orders", { status: "unclaimed" }),
        ]);
        this.orders = ready.concat(unclaimed).sort((a, b) => a.id - b.id);
        this.loaded = true;
        this.stale = false;
        this.liveText = gettext("Up to date");
      } catch (error) {
        this.stale = true;
        this.liveText = fmt(gettext("Not updating: %(reason)s"), { reason: inWords(error) });
      }
    },

    numberOf(order) { return "#" + order.id; },
    stateOf(order) { return order.status === "unclaimed" ? gettext("Not collected in time") : gettext("Ready"); },
    whoOf(order) { return order.student_name || gettext("Student"); },
    orderClass(order) { return order.status === "unclaimed" ? "counter__order counter__order--late" : "counter__order"; },
    itemsOf(order) { return (order.items || []).map((line) => line.quantity + " × " + line.name).join(", "); },
    emptyShown() { return this.loaded && this.orders.length === 0; },
    scanLabel() { return this.scanning ? gettext("Stop camera") : gettext("Scan QR code"); },

    show(kind, text) {
      this.result = text;
      this.resultClass = kind === "ok" ? "counter__result--ok" : "counter__result--error";
    },

    submitTyped() {
      const code = String(this.code || "").replace(/\s+/g, "");
      if (!CODE.test(code)) {
        this.show("error", "A pickup code is 6 digits.");
        return;
      }
      this.handOver(code);
    },

    async handOver(code) {
      if (this.busy) return;
      this.busy = true;
      try {
        const order = await post("orders/complete-by-code", { pickup_code: code });
        this.show("ok", order.student_name
          ? fmt(gettext("Order #%(id)s handed over to %(name)s."), { id: order.id, name: order.student_name })
          : fmt(gettext("Order #%(id)s handed over."), { id: order.id }));
        this.orders = this.orders.filter((row) => row.id !== order.id);
        this.code = "";
      } catch (error) {
        if (error.code === "invalid_pickup_code") {
          this.show("error", fmt(gettext("No order waiting here has the code %(code)s. Check the digits."), { code }));
        } else if (error.code === "rate_limited") {
          this.show("error", gettext("Too many wrong codes: the counter takes no codes for a while.") + " " + inWords(error));
        } else {
          this.show("error", inWords(error));
        }
      } finally {
        this.busy = false;
      }
    },

    toggleScan() {
      if (this.scanning) this.stopScan();
      else this.startScan();
    },

    async startScan() {
      if (!this._scanner) {
        this._scanner = scanner({
          jsqrUrl: config.jsqr_url,
          paused: () => this.busy,
          onCode: (code) => { this.code = code; return this.handOver(code); },
        });
      }
      this.scanText = gettext("Opening the camera…");
      this.scanning = true;
      try {
        this.decoder = await this._scanner.start(document.getElementById("counter-video"));
      } catch (error) {
        this.scanning = false;
        this.scanText = error.message;
        return;
      }
      if (this.scanning) this.scanText = gettext("Hold the student's QR code in front of the camera.");
    },

    stopScan() {
      if (this._scanner) this._scanner.stop();
      if (this.scanning) this.scanText = "";
      this.scanning = false;
    },
  };
}

Alpine.data("counter", counter);
Alpine.start();
