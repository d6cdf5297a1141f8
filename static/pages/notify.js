/*
 * "Notify me on this phone" on the order page: a Web Push subscription for this browser.
 *
 * Shown only when the browser can do push (a service worker and PushManager) and the server has
 * push set up (GET push/public-key answers; 503 push_unavailable keeps it hidden). Subscribing
 * goes through the service worker (/sw.js, registered by static/pages/app.js) with the server's
 * VAPID key, and the subscription is POSTed to push-subscriptions; turning it off DELETEs it.
 * The state line says where it stands: on, off, or blocked in the browser's settings.
 * Once a notification has reached one of the user's phones (push/preferences says push_works),
 * "Send me SMS too" can be unticked: the server then sends no SMS while push keeps working.
 */
import { request } from "../common/api.js";

const ID_KEY = "tnt-push-subscription";
// The page's words in its language: a JSON block the template writes ({% script_words "notify" %}).
const WORDS = (() => {
  const el = document.getElementById("words-notify");
  try { return el ? JSON.parse(el.textContent) : {}; } catch { return {}; }
})();
const t = (key) => WORDS[key] || key;
const READY_MS = 10000;

const box = document.querySelector("[data-notify]");
if (box) start(box);

function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

function keyBytes(base64url) {
  const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(window.atob(padded), (c) => c.charCodeAt(0));
}

function sameKey(subscription, key) {
  const current = subscription.options && subscription.options.applicationServerKey;
  if (!current) return true; // the browser does not say: assume it is ours
  const a = new Uint8Array(current);
  return a.length === key.length && a.every((byte, i) => byte === key[i]);
}

function worker() {
  // The page script registers the worker; give up if it never becomes ready.
  return Promise.race([
    navigator.serviceWorker.ready,
    new Promise((_, reject) => setTimeout(() => reject(new Error(t("no_worker"))), READY_MS)),
  ]);
}

async function start(box) {
  if (!supported()) return; // stays hidden
  const button = box.querySelector("[data-notify-button]");
  const state = box.querySelector("[data-notify-state]");
  const subscribeUrl = box.dataset.subscribeUrl;
  const smsBox = box.querySelector("[data-notify-sms]");
  const smsInput = smsBox.querySelector("input");
  let key;
  try {
    key = keyBytes((await request(box.dataset.keyUrl, { retries: 0 })).public_key);
  } catch {
    return; // push_unavailable (503), or no answer: SMS it is, say nothing
  }
  let registration;
  try { registration = await worker(); } catch { return; }

  function show(mode, text) {
    box.hidden = false;
    box.dataset.notifyState = mode;
    state.textContent = text;
    button.hidden = mode === "blocked";
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = mode === "on" ? t("turn_off") : t("turn_on");
    button.setAttribute("aria-pressed", mode === "on" ? "true" : "false");
  }

  // The SMS choice, only offered once push has worked (before that, SMS is the way to be told).
  async function offerSms() {
    let prefs;
    try { prefs = await request(box.dataset.preferencesUrl, { retries: 0 }); } catch { return; }
    smsBox.hidden = !prefs.push_works;
    smsInput.checked = prefs.sms;
  }

  smsInput.addEventListener("change", async () => {
    const wanted = smsInput.checked;
    smsInput.disabled = true;
    try {
      const prefs = await request(box.dataset.preferencesUrl, { method: "PUT", body: { sms: wanted } });
      smsInput.checked = prefs.sms;
      state.textContent = prefs.sms ? t("sms_on") : t("sms_off");
    } catch (error) {
      smsInput.checked = !wanted;
      state.textContent = (error && error.message) || t("failed");
    } finally {
      smsInput.disabled = false;
    }
  });

  async function save(subscription) {
    const json = subscription.toJSON();
    const answer = await request(subscribeUrl, {
      method: "POST", body: { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } },
    });
    try { window.localStorage.setItem(ID_KEY, String(answer.id)); } catch { /* private mode */ }
    return answer.id;
  }

  async function current() {
    const subscription = await registration.pushManager.getSubscription();
    if (subscription && !sameKey(subscription, key)) {
      await subscription.unsubscribe(); // made with a key the server no longer has
      return null;
    }
    return subscription;
  }

  async function turnOn() {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      show(permission === "denied" ? "blocked" : "off", permission === "denied" ? t("blocked") : t("not_on"));
      return;
    }
    const subscription = (await current()) ||
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
    await save(subscription);
    show("on", t("turned_on"));
    offerSms();
  }

  async function turnOff() {
    const subscription = await current();
    let id = null;
    try { id = window.localStorage.getItem(ID_KEY); } catch { /* ignore */ }
    if (!id && subscription) id = await save(subscription); // the same endpoint: the same id
    if (id) {
      await request(subscribeUrl + "/" + encodeURIComponent(id), { method: "DELETE" }).catch((error) => {
        if (error.status !== 404) throw error; // already gone (another account's, or deleted after a 410)
      });
    }
    if (subscription) await subscription.unsubscribe();
    try { window.localStorage.removeItem(ID_KEY); } catch { /* ignore */ }
    smsBox.hidden = true;
    show("off", t("turned_off"));
  }

  button.addEventListener("click", async () => {
    const on = box.dataset.notifyState === "on";
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await (on ? turnOff() : turnOn());
    } catch (error) {
      show(on ? "on" : "off", (error && error.message) || t("failed"));
    }
  });

  if (Notification.permission === "denied") {
    show("blocked", t("blocked"));
    return;
  }
  try {
    const subscription = Notification.permission === "granted" ? await current() : null;
    if (subscription) {
      await save(subscription); // the server may have dropped it (a 410): saved again, same id
      show("on", t("on"));
      offerSms();
      return;
    }
  } catch { /* shown as off */ }
  show("off", t("offer"));
}
