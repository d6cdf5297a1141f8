/* Reading a pickup (or release) QR code with the device camera, for the counter page and the
   queue cards alike.

   `scanner({ onCode, jsqrUrl, paused })` → { start(video), stop(), running() }. start() opens the
   camera into `video` and decodes a frame every SCAN_EVERY_MS: BarcodeDetector where the browser
   has it with QR support, else the vendored jsQR (static/vendor/jsqr, loaded only then) on frames
   drawn to a canvas. A 6-digit code is passed to `onCode(code)` (awaited) once: the same code
   again only after the camera has not seen it for SAME_CODE_GONE_MS. While `paused()` is true no
   frame is read. start() throws a ScanError whose message is meant for the vendor.

   Plain closures, no class fields: Alpine wraps the component holding this in a Proxy. */
import { config } from "./api.js";
import { fmt, gettext } from "./i18n.js";

export const PICKUP_CODE = /^[0-9]{6}$/;
const SCAN_EVERY_MS = 200;
const SAME_CODE_GONE_MS = 2500;
const FRAME_MAX_SIDE = 720;
// The dashboard's config has no jsqr_url: the vendored file sits beside this module's folder.
const JSQR_URL = new URL("../vendor/jsqr/jsQR.js", import.meta.url).href;

export class ScanError extends Error {}

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

async function jsqrDecoder(url) {
  await import(url); // UMD: defines self.jsQR
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

export function scanner({ onCode, jsqrUrl = config.jsqr_url || JSQR_URL, paused = () => false }) {
  let stream = null;
  let decode = null;
  let timer = null;
  let video = null;
  let lastCode = "";
  let lastSeen = 0;
  let running = false;
  let generation = 0; // a stop() while the camera is opening wins over that start()

  function stop() {
    generation += 1;
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach((track) => track.stop());
    if (video) video.srcObject = null;
    stream = null;
    decode = null;
    video = null;
    running = false;
  }

  async function tick(mine) {
    if (mine !== generation || !decode) return;
    try {
      const value = paused() ? null : await decode(video);
      const code = value ? String(value).trim() : "";
      const now = Date.now();
      if (mine === generation && PICKUP_CODE.test(code)) {
        const again = code === lastCode && now - lastSeen < SAME_CODE_GONE_MS;
        lastSeen = now;
        if (!again) {
          lastCode = code;
          await onCode(code);
        }
      }
    } catch (error) {
      // A frame that could not be read: try the next one.
    }
    if (mine === generation) timer = setTimeout(() => tick(mine), SCAN_EVERY_MS);
  }

  async function start(target) {
    stop();
    const mine = generation;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new ScanError(gettext("This browser cannot use the camera here. Type the code."));
    }
    let opened;
    try {
      opened = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (error) {
      throw new ScanError(fmt(gettext("The camera could not be opened (%(reason)s). Type the code."), { reason: error.name || gettext("refused") }));
    }
    if (mine !== generation) {
      opened.getTracks().forEach((track) => track.stop());
      return "";
    }
    stream = opened;
    video = target;
    video.srcObject = stream;
    running = true;
    let decoder;
    try {
      await video.play();
      decoder = (await barcodeDetector()) || (await jsqrDecoder(jsqrUrl));
    } catch (error) {
      if (mine !== generation) return "";
      stop();
      throw new ScanError(gettext("Scanning does not work in this browser. Type the code."));
    }
    if (mine !== generation) return ""; // stopped while the camera was starting
    decode = decoder.decode;
    lastCode = "";
    lastSeen = 0;
    tick(mine);
    return decoder.name;
  }

  return { start, stop, running: () => running };
}
