/* Counter mode (issue 20): hand orders over by their pickup code, typed or scanned.

   The list shows the shop's ready and unclaimed orders (by order number: the code is the
   student's proof and never shown to the shop). A code goes to POST /orders/complete-by-code.
   Scanning uses the camera: BarcodeDetector where the browser has it with QR support, else the
   vendored jsQR (static/vendor/jsqr, loaded only then) on frames drawn to a canvas. One QR in
   front of the camera is sent once: the same code again only after the camera lost it a while. */
import Alpine from "../vendor/alpinejs/alpine-csp.esm.js";
import { config, inWords, listAll, onSignedOut, post } from "./api.js";

const CODE = /^[0-9]{6}$/;
const SCAN_EVERY_MS = 200;
// The same code is sent again only after the camera has not seen it for this long.
const SAME_CODE_GONE_MS = 2500;
const FRAME_MAX_SIDE = 720;

async function barcodeDetector() {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (!formats.includes("qr_code")) return null;
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    return {
      name: "BarcodeDetector",
      decode: async (video) => {
        const found = await detector.detect(video);
        return found.length ? found[0].rawValue : null;
      },
    };
  } catch (error) {
    return null;
  }
}

async function jsqrDecoder() {
  await import(config.jsqr_url); // UMD: defines self.jsQR
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return {
    name: "jsQR",
    decode: async (video) => {
      const width = video.videoWidth;
      const height = video.videoHeight;
      if (!width || !height) return null;
      const scale = Math.min(1, FRAME_MAX_SIDE / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = self.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
      return found ? found.data : null;
    },
  };
}

function counter() {
  return {
    orders: [],
    loaded: false,
    stale: false,
    liveText: "Connecting…",
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
        this.show("error", "You are signed out. Sign in again to use the counter.");
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
        this.liveText = "Up to date";
      } catch (error) {
        this.stale = true;
        this.liveText = "Not updating: " + inWords(error);
      }
    },

    numberOf(order) { return "#" + order.id; },
    stateOf(order) { return order.status === "unclaimed" ? "Not collected in time" : "Ready"; },
    orderClass(order) { return order.status === "unclaimed" ? "counter__order counter__order--late" : "counter__order"; },
    itemsOf(order) { return (order.items || []).map((line) => line.quantity + " × " + line.name).join(", "); },
    emptyShown() { return this.loaded && this.orders.length === 0; },
    scanLabel() { return this.scanning ? "Stop camera" : "Scan QR code"; },

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
        const who = order.student_name ? " to " + order.student_name : "";
        this.show("ok", "Order #" + order.id + " handed over" + who + ".");
        this.orders = this.orders.filter((row) => row.id !== order.id);
        this.code = "";
      } catch (error) {
        if (error.code === "invalid_pickup_code") {
          this.show("error", "No order waiting here has the code " + code + ". Check the digits.");
        } else if (error.code === "rate_limited") {
          this.show("error", "Too many wrong codes: the counter takes no codes for a while. " + inWords(error));
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
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        this.scanText = "This browser cannot use the camera here. Type the code.";
        return;
      }
      this.scanText = "Opening the camera…";
      try {
        this._stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      } catch (error) {
        this.scanText = "The camera could not be opened (" + (error.name || "refused") + "). Type the code.";
        return;
      }
      const video = document.getElementById("counter-video");
      video.srcObject = this._stream;
      this.scanning = true;
      try {
        await video.play();
        const decoder = (await barcodeDetector()) || (await jsqrDecoder());
        this._decode = decoder.decode;
        this.decoder = decoder.name;
      } catch (error) {
        this.stopScan();
        this.scanText = "Scanning does not work in this browser. Type the code.";
        return;
      }
      this.scanText = "Hold the student's QR code in front of the camera.";
      this._lastCode = "";
      this._lastSeen = 0;
      this._tick();
    },

    stopScan() {
      clearTimeout(this._timer);
      if (this._stream) this._stream.getTracks().forEach((track) => track.stop());
      this._stream = null;
      this._decode = null;
      if (this.scanning) this.scanText = "";
      this.scanning = false;
    },

    async _tick() {
      if (!this.scanning || !this._decode) return;
      try {
        const value = this.busy ? null : await this._decode(document.getElementById("counter-video"));
        const code = value ? String(value).trim() : "";
        const now = Date.now();
        if (CODE.test(code)) {
          const again = code === this._lastCode && now - this._lastSeen < SAME_CODE_GONE_MS;
          this._lastSeen = now;
          if (!again) {
            this._lastCode = code;
            this.code = code;
            await this.handOver(code);
          }
        }
      } catch (error) {
        // A frame that could not be read: try the next one.
      }
      if (this.scanning) this._timer = setTimeout(() => this._tick(), SCAN_EVERY_MS);
    },
  };
}

Alpine.data("counter", counter);
Alpine.start();
